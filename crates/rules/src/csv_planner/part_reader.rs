//! Reads the rows of one part of a CSV file with `csv_core` directly over the part's bytes.
//!
//! The `csv` crate's reader copies its input into a buffer of its own before `csv_core` parses
//! it, and keeps positions and checks a part does not need. Over a byte slice already in memory
//! that copy is pure cost, so the parts of a large file are parsed here, straight from the file's
//! bytes, by the same `csv_core` parser with the same settings (the `csv` crate's defaults).
//!
//! This reader never names a problem: anything a single pass might refuse or read differently
//! (a cell that is not UTF-8, a row with another number of fields than the header, a part that
//! ends inside a quoted cell, a byte order mark at a part's start) is [`Odd`], and the caller
//! reads the whole file again with the `csv` crate, which answers exactly.

use super::row::Record;
use csv_core::ReadRecordResult;

/// Something in a part that only a single pass over the file answers for certain.
#[derive(Debug)]
pub(super) struct Odd;

/// One row read by a [`PartReader`]: its cells one after another, and where each ends.
#[derive(Debug, Default)]
pub(super) struct CoreRecord {
    /// Every cell, unquoted, one after another; checked to be UTF-8 when read.
    text: String,
    /// The end of each cell in `text`, each on a character boundary.
    ends: Vec<usize>,
}

impl Record for CoreRecord {
    fn cell(&self, column: usize) -> Option<&str> {
        let end = *self.ends.get(column)?;
        let start = match column.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }

    fn cells_len(&self) -> usize {
        self.text.len()
    }
}

/// The rows of one part: a byte range of the file that starts where a row starts.
pub(super) struct PartReader<'b> {
    core: csv_core::Reader,
    input: &'b [u8],
    /// How much of `input` has been read.
    read: usize,
    /// Whether the part runs to the end of the file. Any other part ends just after a line
    /// break, which must end its last row: a row still open there was cut inside a quoted cell.
    last: bool,
    /// How many fields every row must have: the header's.
    fields: usize,
}

/// Room for the cells of a usual row before the first one is read; a longer row grows it.
const FIRST_ROOM: usize = 256;

impl<'b> PartReader<'b> {
    pub(super) fn new(input: &'b [u8], last: bool, fields: usize) -> Self {
        Self {
            // The `csv` crate's defaults: comma, double quote, quotes escaped by doubling,
            // `\r`, `\n` or `\r\n` ending a row, empty lines skipped.
            core: csv_core::Reader::new(),
            input,
            read: 0,
            last,
            fields,
        }
    }

    /// Reads the next row into `record`; `false` at the end of the part.
    pub(super) fn read(&mut self, record: &mut CoreRecord) -> Result<bool, Odd> {
        // `csv_core` drops a byte order mark at the start of what it reads; a single pass reads
        // one in the file's middle as data.
        if self.read == 0 && self.input.starts_with(b"\xef\xbb\xbf") {
            return Err(Odd);
        }
        let mut out = std::mem::take(&mut record.text).into_bytes();
        let room = out.capacity().max(FIRST_ROOM);
        out.resize(room, 0);
        let ends = &mut record.ends;
        ends.resize(ends.capacity().max(self.fields + 1), 0);
        let (mut written, mut ended) = (0, 0);
        loop {
            let input = &self.input[self.read..];
            let (result, read, wrote, end) =
                self.core
                    .read_record(input, &mut out[written..], &mut ends[ended..]);
            self.read += read;
            written += wrote;
            ended += end;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                // Only the end of input (an empty `input`) ends a row that no line break
                // ended: in a part before the last, that row was cut inside a quoted cell.
                ReadRecordResult::Record if input.is_empty() && !self.last => return Err(Odd),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => {
                    out.clear();
                    record.text = String::from_utf8(out).unwrap_or_default();
                    ends.clear();
                    return Ok(false);
                }
            }
        }
        out.truncate(written);
        ends.truncate(ended);
        if ended != self.fields {
            return Err(Odd);
        }
        // The `csv` crate checks each cell is UTF-8: the row as a whole is, and no cell ends
        // inside a character.
        record.text = String::from_utf8(out).map_err(|_| Odd)?;
        if !ends.iter().all(|&end| record.text.is_char_boundary(end)) {
            return Err(Odd);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(input: &str, last: bool, fields: usize) -> Result<Vec<Vec<String>>, Odd> {
        let mut reader = PartReader::new(input.as_bytes(), last, fields);
        let mut record = CoreRecord::default();
        let mut rows = Vec::new();
        while reader.read(&mut record)? {
            rows.push(
                (0..fields)
                    .map(|c| record.cell(c).unwrap_or("<none>").to_owned())
                    .collect(),
            );
        }
        Ok(rows)
    }

    #[test]
    fn reads_rows_as_the_csv_crate_does() {
        let input = "a,b\r\n\n\"c,\"\"d\",\"\"\re,\n";
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(input.as_bytes());
        let expected: Vec<Vec<String>> = csv
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()))
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(expected.len(), 3);
        assert_eq!(rows(input, false, 2).ok(), Some(expected));
    }

    #[test]
    fn a_long_row_grows_the_record() {
        let long = "x".repeat(5 * FIRST_ROOM);
        let input = format!("{long},{}\n", "y,".repeat(40));
        let read = rows(&input, true, 42).ok().unwrap_or_default();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0][0], long);
        assert_eq!(read[0][41], "");
    }

    #[test]
    fn anything_odd_is_left_to_a_single_pass() {
        // A part cut inside a quoted cell, unless it is the file's last.
        assert!(rows("a,\"b\n", false, 2).is_err());
        assert!(rows("a,\"b\n", true, 2).is_ok());
        // The last row without a line break is whole only at the end of the file.
        assert!(rows("a,b", false, 2).is_err());
        assert!(rows("a,b", true, 2).is_ok());
        // Another number of fields.
        assert!(rows("a,b,c\n", true, 2).is_err());
        // Not UTF-8, in a cell or across two.
        assert!(matches!(
            PartReader::new(b"a,\xff\n", true, 2).read(&mut CoreRecord::default()),
            Err(Odd)
        ));
        assert!(matches!(
            PartReader::new(b"a\xc3,\xa9\n", true, 2).read(&mut CoreRecord::default()),
            Err(Odd)
        ));
        assert!(rows("é,b\n", true, 2).is_ok());
        // A byte order mark, which a single pass reads as data in the file's middle.
        assert!(rows("\u{feff}a,b\n", true, 2).is_err());
    }
}
