//! Splits filter text into tokens, one at a time, so that the parser reports the first problem in
//! reading order: a bad operator early in the text wins over an unterminated string after it.
//!
//! The text is held as characters, not bytes, because every position we report is a character
//! offset.

use serde_json::Number;

use super::error::FilterError;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum TokenKind {
    /// An attribute path, a keyword or an operator, dots included: the parser decides which from
    /// where it stands.
    Word(String),
    /// The decoded contents of a double-quoted string.
    Text(String),
    /// An unquoted number, with the text it was written as, for error messages.
    Number {
        value: Number,
        written: String,
    },
    Open,
    Close,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    /// Character offset of the token's first character.
    pub(super) position: usize,
}

impl Token {
    /// How an error message names this token.
    pub(super) fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Word(word) => format!("\"{word}\""),
            TokenKind::Text(text) => format!("the text \"{}\"", shorten(text)),
            TokenKind::Number { written, .. } => format!("the number {written}"),
            TokenKind::Open => "\"(\"".to_owned(),
            TokenKind::Close => "\")\"".to_owned(),
            TokenKind::End => "the end of the filter".to_owned(),
        }
    }
}

/// Long text would drown the message it is quoted in.
fn shorten(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        let start: String = text.chars().take(SHOWN).collect();
        format!("{start}...")
    }
}

pub(super) struct Lexer {
    chars: Vec<char>,
    cursor: usize,
}

impl Lexer {
    pub(super) fn new(text: &str) -> Self {
        Lexer {
            chars: text.chars().collect(),
            cursor: 0,
        }
    }

    pub(super) fn next_token(&mut self) -> Result<Token, FilterError> {
        while self.peek().is_some_and(char::is_whitespace) {
            self.cursor += 1;
        }
        let position = self.cursor;
        let Some(first) = self.peek() else {
            return Ok(Token {
                kind: TokenKind::End,
                position,
            });
        };
        let kind = match first {
            '(' => {
                self.cursor += 1;
                TokenKind::Open
            }
            ')' => {
                self.cursor += 1;
                TokenKind::Close
            }
            '"' => TokenKind::Text(self.text()?),
            c if starts_name(c) => TokenKind::Word(self.word()?),
            c if c.is_ascii_digit() => self.number()?,
            '-' if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => self.number()?,
            _ => return Err(self.stray_symbol()),
        };
        Ok(Token { kind, position })
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.cursor).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.cursor + ahead).copied()
    }

    /// A dotted path or a keyword: names joined by single dots, no spaces.
    fn word(&mut self) -> Result<String, FilterError> {
        let start = self.cursor;
        loop {
            while self.peek().is_some_and(continues_name) {
                self.cursor += 1;
            }
            if self.peek() != Some('.') {
                break;
            }
            self.cursor += 1;
            if !self.peek().is_some_and(continues_name) {
                let so_far: String = self.chars[start..self.cursor].iter().collect();
                return Err(FilterError::new(
                    self.cursor,
                    format!("expected an attribute name after \".\" in \"{so_far}\""),
                ));
            }
        }
        Ok(self.chars[start..self.cursor].iter().collect())
    }

    /// A number in JSON form. We take every character that could belong to it, so that `42abc` is
    /// one bad number rather than a number followed by a puzzling word.
    fn number(&mut self) -> Result<TokenKind, FilterError> {
        let start = self.cursor;
        self.cursor += 1;
        while let Some(c) = self.peek() {
            let after_exponent = matches!(self.chars.get(self.cursor - 1), Some('e' | 'E'));
            if continues_name(c) || c == '.' || (after_exponent && matches!(c, '+' | '-')) {
                self.cursor += 1;
            } else {
                break;
            }
        }
        let written: String = self.chars[start..self.cursor].iter().collect();
        match parse_number(&written) {
            Some(value) => Ok(TokenKind::Number { value, written }),
            None => Err(FilterError::new(
                start,
                format!(
                    "\"{written}\" is not a valid number; write numbers like 42 or -1.5, and put text in double quotes"
                ),
            )),
        }
    }

    /// A double-quoted string, escapes decoded.
    fn text(&mut self) -> Result<String, FilterError> {
        let start = self.cursor;
        self.cursor += 1;
        let mut decoded = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(FilterError::new(start, "unterminated string starting here"));
            };
            match c {
                '"' => {
                    self.cursor += 1;
                    return Ok(decoded);
                }
                '\\' => decoded.push(self.escape(start)?),
                _ => {
                    decoded.push(c);
                    self.cursor += 1;
                }
            }
        }
    }

    /// One escape sequence, the cursor on its backslash; `string_start` is where the string began,
    /// for a string that ends in the middle of an escape.
    fn escape(&mut self, string_start: usize) -> Result<char, FilterError> {
        let backslash = self.cursor;
        let Some(letter) = self.peek_at(1) else {
            return Err(FilterError::new(
                string_start,
                "unterminated string starting here",
            ));
        };
        self.cursor += 2;
        let simple = match letter {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => return self.unicode_escape(backslash),
            other => {
                return Err(FilterError::new(
                    backslash,
                    format!(
                        "unknown escape \"\\{other}\" in text; use \\\" for a quote, \\\\ for a backslash, \\n, \\t or \\uXXXX"
                    ),
                ));
            }
        };
        Ok(simple)
    }

    /// `\uXXXX`, the cursor just after the `u`. Characters beyond the Basic Multilingual Plane
    /// come as a surrogate pair, `\uD83D\uDE00`, as in JSON.
    fn unicode_escape(&mut self, backslash: usize) -> Result<char, FilterError> {
        let high = self.hex4(backslash)?;
        if !(0xD800..=0xDFFF).contains(&high) {
            return char::from_u32(high).ok_or_else(|| lone_surrogate(backslash));
        }
        if high >= 0xDC00 || self.peek() != Some('\\') || self.peek_at(1) != Some('u') {
            return Err(lone_surrogate(backslash));
        }
        let second = self.cursor;
        self.cursor += 2;
        let low = self.hex4(second)?;
        if !(0xDC00..=0xDFFF).contains(&low) {
            return Err(lone_surrogate(backslash));
        }
        let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(combined).ok_or_else(|| lone_surrogate(backslash))
    }

    fn hex4(&mut self, backslash: usize) -> Result<u32, FilterError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|c| c.to_digit(16)).ok_or_else(|| {
                FilterError::new(
                    backslash,
                    "\"\\u\" must be followed by four hex digits, like \\u00e9",
                )
            })?;
            value = value * 16 + digit;
            self.cursor += 1;
        }
        Ok(value)
    }

    /// A character that starts no token. Symbols from other query languages get a pointer to the
    /// word this language uses instead.
    fn stray_symbol(&self) -> FilterError {
        let here = self.cursor;
        let two: String = self.chars[here..].iter().take(2).collect();
        let one: String = self.chars[here..].iter().take(1).collect();
        let hint = match two.as_str() {
            "==" => Some(("==", "use eq to compare")),
            "!=" => Some(("!=", "use ne to compare")),
            "<>" => Some(("<>", "use ne to compare")),
            ">=" => Some((">=", "use ge to compare")),
            "<=" => Some(("<=", "use le to compare")),
            "&&" => Some(("&&", "use and to join conditions")),
            "||" => Some(("||", "use or to join conditions")),
            _ => match one.as_str() {
                "=" => Some(("=", "use eq to compare")),
                ">" => Some((">", "use gt to compare")),
                "<" => Some(("<", "use lt to compare")),
                "&" => Some(("&", "use and to join conditions")),
                "|" => Some(("|", "use or to join conditions")),
                "!" => Some(("!", "use not (...) to negate")),
                "'" => Some(("'", "text goes in double quotes, not single quotes")),
                _ => None,
            },
        };
        match hint {
            Some((symbol, advice)) => {
                FilterError::new(here, format!("unexpected \"{symbol}\": {advice}"))
            }
            None => FilterError::new(here, format!("unexpected character \"{one}\"")),
        }
    }
}

fn starts_name(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn continues_name(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lone_surrogate(backslash: usize) -> FilterError {
    FilterError::new(
        backslash,
        "\"\\u\" names half of a surrogate pair; write both halves, like \\ud83d\\ude00",
    )
}

/// A number in JSON's grammar. serde_json checks the grammar and the range; a fraction or an
/// exponent is then read by the standard library, which rounds correctly, so that the shortest
/// form `Display` prints reads back to the very same number.
fn parse_number(written: &str) -> Option<Number> {
    let checked: Number = written.parse().ok()?;
    if checked.is_f64() {
        written.parse::<f64>().ok().and_then(Number::from_f64)
    } else {
        Some(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        let mut lexer = Lexer::new(text);
        let mut all = Vec::new();
        loop {
            let token = lexer.next_token().unwrap();
            let end = token.kind == TokenKind::End;
            all.push(token);
            if end {
                return all;
            }
        }
    }

    #[test]
    fn filter_positions_count_characters_not_bytes() {
        let all = tokens("actor.displayName eq \"Zoë\" and x pr");
        let positions: Vec<usize> = all.iter().map(|token| token.position).collect();
        assert_eq!(positions, vec![0, 18, 21, 27, 31, 33, 35]);
    }

    #[test]
    fn filter_escapes_decode_as_in_json() {
        let all = tokens(r#""a\"b\\c\n\t\u00e9\ud83d\ude00\/""#);
        assert_eq!(
            all[0].kind,
            TokenKind::Text("a\"b\\c\n\té\u{1F600}/".to_owned())
        );
    }

    #[test]
    fn filter_numbers_keep_json_form() {
        let all = tokens("42 -1.5 2e3 1E+2");
        let written: Vec<String> = all
            .iter()
            .filter_map(|token| match &token.kind {
                TokenKind::Number { value, .. } => Some(value.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(written, vec!["42", "-1.5", "2000.0", "100.0"]);
    }

    #[test]
    fn filter_bad_numbers_are_reported_whole() {
        for bad in ["01", "1.", "42abc", "1e400", "1.2.3"] {
            let error = Lexer::new(bad).next_token().unwrap_err();
            assert_eq!(error.position, 0, "{bad}");
            assert!(error.message.contains(bad), "{bad}: {}", error.message);
        }
    }

    #[test]
    fn filter_lone_surrogates_are_refused() {
        for bad in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
        ] {
            let error = Lexer::new(bad).next_token().unwrap_err();
            assert_eq!(error.position, 1, "{bad}");
        }
    }
}
