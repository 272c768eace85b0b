//! Reads the rows of a part of a CSV file that has no quote at all, without copying them.
//!
//! Without quotes, CSV as the `csv` crate reads it (its defaults) is plain: a row ends at `\r`
//! or `\n`, empty lines are skipped, and a comma always separates two cells. So such a part is
//! checked to be UTF-8 once, and each row's cells are slices of the file's own bytes: no parser
//! state, no copy of the cells, no check per row. Parts with a quote anywhere are read by
//! `part_reader`, with `csv_core`.

use super::part_reader::Odd;
use super::row::Record;

/// One row of an [`UnquotedPart`]: the line, borrowed from the file, and where its commas are.
#[derive(Debug, Default)]
pub(super) struct LineRecord<'b> {
    line: &'b str,
    /// The end of each cell in `line` (the last is the line's length).
    ends: Vec<usize>,
}

impl Record for LineRecord<'_> {
    fn cell(&self, column: usize) -> Option<&str> {
        let end = *self.ends.get(column)?;
        let start = match column.checked_sub(1) {
            // After the comma that ends the cell before.
            Some(before) => *self.ends.get(before)? + 1,
            None => 0,
        };
        self.line.get(start..end)
    }

    fn cells_len(&self) -> usize {
        // The line without its commas, as the `csv` crate's record holds it.
        self.line.len() - self.ends.len().saturating_sub(1)
    }
}

/// The rows of one part without quotes.
pub(super) struct UnquotedPart<'b> {
    text: &'b str,
    /// How much of `text` has been read.
    read: usize,
    /// How many fields every row must have: the header's.
    fields: usize,
}

impl<'b> UnquotedPart<'b> {
    /// `None` when `input` has a quote (or is not UTF-8): it needs `csv_core`.
    pub(super) fn new(input: &'b [u8], fields: usize) -> Option<Self> {
        if input.contains(&b'"') {
            return None;
        }
        Some(Self {
            text: std::str::from_utf8(input).ok()?,
            read: 0,
            fields,
        })
    }

    /// Reads the next row into `record`; `false` at the end of the part.
    pub(super) fn read(&mut self, record: &mut LineRecord<'b>) -> Result<bool, Odd> {
        let bytes = self.text.as_bytes();
        // Line breaks before a row end the row before, or are empty lines: skipped.
        let Some(start) = bytes
            .get(self.read..)
            .and_then(|rest| rest.iter().position(|&b| b != b'\n' && b != b'\r'))
            .map(|at| self.read + at)
        else {
            self.read = bytes.len();
            return Ok(false);
        };
        record.ends.clear();
        let rest = bytes.get(start..).unwrap_or_default();
        let mut len = rest.len();
        for (at, &b) in rest.iter().enumerate() {
            match b {
                b',' => record.ends.push(at),
                b'\n' | b'\r' => {
                    len = at;
                    break;
                }
                _ => {}
            }
        }
        record.ends.push(len);
        let end = start + len;
        self.read = end;
        // Commas and line breaks are ASCII, never inside a character: the slice is whole.
        record.line = self.text.get(start..end).ok_or(Odd)?;
        if record.ends.len() != self.fields {
            return Err(Odd);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(input: &str, fields: usize) -> Option<Result<Vec<Vec<String>>, Odd>> {
        let mut part = UnquotedPart::new(input.as_bytes(), fields)?;
        let mut record = LineRecord::default();
        let mut rows = Vec::new();
        loop {
            match part.read(&mut record) {
                Ok(true) => {}
                Ok(false) => return Some(Ok(rows)),
                Err(odd) => return Some(Err(odd)),
            }
            assert_eq!(
                record.cells_len(),
                (0..fields)
                    .map(|c| record.cell(c).map_or(0, str::len))
                    .sum::<usize>()
            );
            rows.push(
                (0..fields)
                    .map(|c| record.cell(c).unwrap_or("<none>").to_owned())
                    .collect(),
            );
        }
    }

    #[test]
    fn reads_rows_as_the_csv_crate_does() {
        for input in [
            "a,b\r\n\n c ,é\r\r\n,\n",
            "a,b",
            "\n\na,b\n\n",
            ",\n\u{feff}x,y\n",
            "",
        ] {
            let mut csv = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(input.as_bytes());
            let expected: Vec<Vec<String>> = csv
                .records()
                .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()))
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(rows(input, 2).unwrap().unwrap(), expected, "{input:?}");
        }
    }

    #[test]
    fn quotes_and_odd_rows_are_left_to_others() {
        assert!(rows("a,\"b\"\n", 2).is_none());
        assert!(UnquotedPart::new(b"a,\xff\n", 2).is_none());
        assert!(rows("a,b,c\n", 2).unwrap().is_err());
        assert!(rows("a\n", 2).unwrap().is_err());
    }
}
