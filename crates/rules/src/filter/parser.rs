//! Recursive descent over the tokens, one function per precedence level:
//!
//! ```text
//! filter    = or-expr END
//! or-expr   = and-expr { "or" and-expr }
//! and-expr  = unary { "and" unary }
//! unary     = "not" "(" or-expr ")" | "(" or-expr ")" | condition
//! condition = path "pr" | path operator value
//! ```
//!
//! The only recursion is through parentheses, and every level of it is counted against
//! [`MAX_NESTING_DEPTH`], so hostile input cannot exhaust the stack.

use super::ast::{AttrPath, Filter, Literal, Node, Operator};
use super::error::FilterError;
use super::lexer::{Lexer, Token, TokenKind};
use super::{MAX_FILTER_LENGTH, MAX_NESTING_DEPTH};

pub(super) fn parse(text: &str) -> Result<Filter, FilterError> {
    if text.len() > MAX_FILTER_LENGTH {
        // Point at the first character past the limit, where the administrator has to cut.
        let fits = text
            .char_indices()
            .take_while(|(offset, c)| offset + c.len_utf8() <= MAX_FILTER_LENGTH)
            .count();
        return Err(FilterError::new(
            fits,
            format!(
                "filter is too long: {} bytes, and the limit is {MAX_FILTER_LENGTH}",
                text.len()
            ),
        ));
    }
    let mut lexer = Lexer::new(text);
    let current = lexer.next_token()?;
    if current.kind == TokenKind::End {
        return Err(FilterError::new(0, "filter is empty"));
    }
    let mut parser = Parser {
        lexer,
        current,
        depth: 0,
    };
    let root = parser.or_expression(None)?;
    match parser.current.kind {
        TokenKind::End => Ok(Filter { root }),
        TokenKind::Close => Err(parser.error_here("unexpected \")\": there is no \"(\" to close")),
        _ => Err(parser.error_here(format!(
            "expected \"and\", \"or\" or the end of the filter after a condition, found {}",
            parser.current.describe()
        ))),
    }
}

struct Parser {
    lexer: Lexer,
    /// The token being looked at; the parser never needs to see further ahead.
    current: Token,
    /// How many parentheses and `not (` are open around the current token.
    depth: usize,
}

impl Parser {
    fn advance(&mut self) -> Result<Token, FilterError> {
        let next = self.lexer.next_token()?;
        Ok(std::mem::replace(&mut self.current, next))
    }

    fn error_here(&self, message: impl Into<String>) -> FilterError {
        FilterError::new(self.current.position, message)
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        matches!(&self.current.kind, TokenKind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }

    /// `after` is the keyword just read ("and", "or"), for a message that says what was missing
    /// after it.
    fn or_expression(&mut self, after: Option<&str>) -> Result<Node, FilterError> {
        let first = self.and_expression(after)?;
        if !self.at_keyword("or") {
            return Ok(first);
        }
        let mut terms = vec![first];
        while self.at_keyword("or") {
            self.advance()?;
            terms.push(self.and_expression(Some("or"))?);
        }
        Ok(Node::Or(terms))
    }

    fn and_expression(&mut self, after: Option<&str>) -> Result<Node, FilterError> {
        let first = self.unary(after)?;
        if !self.at_keyword("and") {
            return Ok(first);
        }
        let mut terms = vec![first];
        while self.at_keyword("and") {
            self.advance()?;
            terms.push(self.unary(Some("and"))?);
        }
        Ok(Node::And(terms))
    }

    fn unary(&mut self, after: Option<&str>) -> Result<Node, FilterError> {
        match &self.current.kind {
            TokenKind::Open => {
                let open = self.current.position;
                self.group(open, open)
            }
            TokenKind::Word(word) if word.eq_ignore_ascii_case("not") => {
                let not = self.advance()?;
                if self.current.kind != TokenKind::Open {
                    return Err(self.error_here(format!(
                        "expected \"(\" after \"not\", found {}; write not (condition)",
                        self.current.describe()
                    )));
                }
                let open = self.current.position;
                Ok(Node::Not(Box::new(self.group(not.position, open)?)))
            }
            TokenKind::Word(word)
                if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") =>
            {
                let keyword = word.to_ascii_lowercase();
                Err(match after {
                    None => self.error_here(format!(
                        "unexpected \"{keyword}\": a condition must come first"
                    )),
                    Some(previous) => self.error_here(format!(
                        "unexpected \"{keyword}\": a condition must come after \"{previous}\""
                    )),
                })
            }
            TokenKind::Word(_) => self.condition(),
            TokenKind::Text(_) | TokenKind::Number { .. } => Err(self.error_here(format!(
                "expected an attribute name like eventType, found {}",
                self.current.describe()
            ))),
            TokenKind::Close | TokenKind::End => {
                let needed = match after {
                    None => "expected a condition".to_owned(),
                    Some(previous) => format!("expected a condition after \"{previous}\""),
                };
                Err(self.error_here(format!("{needed}, found {}", self.current.describe())))
            }
        }
    }

    /// `( or-expr )`, the current token on the `(`. `start` is where the construct began (the `not`
    /// of `not (`), which is where a nesting error points.
    fn group(&mut self, start: usize, open: usize) -> Result<Node, FilterError> {
        if self.depth >= MAX_NESTING_DEPTH {
            return Err(FilterError::new(
                start,
                format!(
                    "filter is nested too deeply: at most {MAX_NESTING_DEPTH} levels of parentheses and \"not\" are allowed"
                ),
            ));
        }
        self.depth += 1;
        self.advance()?;
        let inner = self.or_expression(None)?;
        if self.current.kind != TokenKind::Close {
            let hint = match self.current.kind {
                TokenKind::End | TokenKind::Open => "",
                _ => " (join conditions with \"and\" or \"or\")",
            };
            return Err(self.error_here(format!(
                "expected \")\" to close the \"(\" at position {open}, found {}{hint}",
                self.current.describe()
            )));
        }
        self.advance()?;
        self.depth -= 1;
        Ok(inner)
    }

    /// `path pr` or `path operator value`, the current token on the path.
    fn condition(&mut self) -> Result<Node, FilterError> {
        let path_token = self.advance()?;
        let TokenKind::Word(written) = path_token.kind else {
            return Err(FilterError::new(
                path_token.position,
                "expected an attribute name like eventType",
            ));
        };
        let path = AttrPath {
            names: written.split('.').map(str::to_owned).collect(),
        };

        let operator = match &self.current.kind {
            TokenKind::Word(word) if word.eq_ignore_ascii_case("pr") => {
                self.advance()?;
                if matches!(
                    self.current.kind,
                    TokenKind::Text(_) | TokenKind::Number { .. }
                ) {
                    return Err(self.error_here(format!(
                        "\"pr\" takes no value, found {}",
                        self.current.describe()
                    )));
                }
                return Ok(Node::Present(path));
            }
            TokenKind::Word(word) => Operator::from_keyword(word),
            _ => None,
        };
        let Some(operator) = operator else {
            return Err(self.error_here(format!(
                "expected an operator ({}) after \"{written}\", found {}",
                Operator::ALL_KEYWORDS,
                self.current.describe()
            )));
        };
        self.advance()?;

        let value = self.value(operator)?;
        self.check_operand(operator, &value)?;
        self.advance()?;
        Ok(Node::Compare {
            path,
            operator,
            value,
        })
    }

    /// The value after `operator`, the current token on it; the caller moves past it.
    fn value(&self, operator: Operator) -> Result<Literal, FilterError> {
        let keyword = operator.keyword();
        match &self.current.kind {
            TokenKind::Text(text) => Ok(Literal::Text(text.clone())),
            TokenKind::Number { value, .. } => Ok(Literal::Number(value.clone())),
            TokenKind::Word(word) if word.eq_ignore_ascii_case("true") => Ok(Literal::Bool(true)),
            TokenKind::Word(word) if word.eq_ignore_ascii_case("false") => {
                Ok(Literal::Bool(false))
            }
            TokenKind::Word(word) if word.eq_ignore_ascii_case("null") => Ok(Literal::Null),
            TokenKind::Word(word) => Err(self.error_here(format!(
                "expected a value after \"{keyword}\", found \"{word}\"; put text in double quotes: \"{word}\""
            ))),
            TokenKind::Open | TokenKind::Close | TokenKind::End => Err(self.error_here(format!(
                "expected a value after \"{keyword}\" (text in double quotes, a number, true, false or null), found {}",
                self.current.describe()
            ))),
        }
    }

    /// Refuses a value the operator cannot compare with, rather than letting the filter silently
    /// match nothing.
    fn check_operand(&self, operator: Operator, value: &Literal) -> Result<(), FilterError> {
        let keyword = operator.keyword();
        let fits = match operator {
            Operator::Eq | Operator::Ne => true,
            Operator::Co | Operator::Sw | Operator::Ew => matches!(value, Literal::Text(_)),
            Operator::Gt | Operator::Ge | Operator::Lt | Operator::Le => {
                matches!(value, Literal::Text(_) | Literal::Number(_))
            }
        };
        if fits {
            return Ok(());
        }
        let accepted = match operator {
            Operator::Co | Operator::Sw | Operator::Ew => "text in double quotes",
            _ => "text in double quotes or a number",
        };
        Err(self.error_here(format!(
            "\"{keyword}\" compares {accepted}, found {}",
            self.current.describe()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(written: &str) -> AttrPath {
        AttrPath {
            names: written.split('.').map(str::to_owned).collect(),
        }
    }

    fn present(written: &str) -> Node {
        Node::Present(path(written))
    }

    #[test]
    fn filter_and_binds_tighter_than_or() {
        let parsed = parse("a pr or b pr and c pr").unwrap();
        let expected = Node::Or(vec![
            present("a"),
            Node::And(vec![present("b"), present("c")]),
        ]);
        assert_eq!(parsed.root, expected);
    }

    #[test]
    fn filter_chains_are_one_node_and_parentheses_stay_nested() {
        let parsed = parse("a pr and (b pr and c pr) and d pr").unwrap();
        let expected = Node::And(vec![
            present("a"),
            Node::And(vec![present("b"), present("c")]),
            present("d"),
        ]);
        assert_eq!(parsed.root, expected);
    }

    #[test]
    fn filter_not_wraps_only_its_group() {
        let parsed = parse("not (a pr) and b.c eq 1").unwrap();
        let expected = Node::And(vec![
            Node::Not(Box::new(present("a"))),
            Node::Compare {
                path: path("b.c"),
                operator: Operator::Eq,
                value: Literal::Number(1.into()),
            },
        ]);
        assert_eq!(parsed.root, expected);
    }
}
