//! An open document: its text, version, syntax tree, and conversions between byte offsets
//! (used inside) and LSP positions in the negotiated encoding (UTF-8 or UTF-16 code units).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use rnix::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::syntax::Parsed;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

pub struct Document {
    pub text: String,
    pub version: i32,
    line_starts: Vec<usize>,
    /// The tree of `text` when known: edits inside a set, a list or a binding keep it up
    /// to date.
    parsed: Option<Parsed>,
    /// A tree an edit made stale, freed after the next diagnostics are out (freeing a
    /// large tree takes as long as a tenth of parsing it).
    retired: Option<Parsed>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let mut d = Document {
            text,
            version,
            line_starts: vec![],
            parsed: None,
            retired: None,
        };
        d.index();
        d
    }

    /// Line starts; as in LSP, `\n`, `\r\n` and a lone `\r` end a line.
    fn index(&mut self) {
        let bytes = self.text.as_bytes();
        self.line_starts = std::iter::once(0)
            .chain(bytes.iter().enumerate().filter_map(|(i, b)| match b {
                b'\n' => Some(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => Some(i + 1),
                _ => None,
            }))
            .collect();
    }

    /// The end of line `line`'s text, before its line break.
    fn line_end(&self, line: usize) -> usize {
        match self.line_starts.get(line + 1) {
            Some(&next) if self.text[..next].ends_with("\r\n") => next - 2,
            Some(&next) => next - 1,
            None => self.text.len(),
        }
    }

    /// Applies `didChange` events in order; a change without a range replaces the text.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        enc: Encoding,
    ) {
        for c in changes {
            match c.range {
                Some(r) => {
                    let start = self.offset(r.start, enc);
                    let end = self.offset(r.end, enc).max(start);
                    self.text.replace_range(start..end, &c.text);
                    let edit =
                        TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32));
                    let old = self.parsed.take();
                    self.parsed = old
                        .as_ref()
                        .and_then(|p| p.reparse(edit, &c.text, &self.text));
                    if self.parsed.is_none() && old.is_some() {
                        self.retired = old;
                    }
                }
                None => {
                    self.text = c.text;
                    if let Some(old) = self.parsed.take() {
                        self.retired = Some(old);
                    }
                }
            }
            self.index();
        }
        self.version = version;
    }

    /// Frees the trees that edits made stale.
    pub fn drop_retired(&mut self) {
        self.retired = None;
    }

    /// The text's tree, parsed now unless edits kept it (a `too-deep` text is refused).
    pub fn parsed(&mut self) -> Result<Parsed, Box<Diagnostic>> {
        if self.parsed.is_none() {
            self.parsed = Some(Parsed::new(&self.text)?);
        }
        Ok(self.parsed.clone().expect("parsed above"))
    }

    /// The byte offset of a position; positions past a line's end or the text's end clamp
    /// to them, and a position inside a character moves to its start.
    pub fn offset(&self, p: Position, enc: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(p.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..self.line_end(p.line as usize)];
        let mut units = 0u32;
        for (i, ch) in line.char_indices() {
            if units >= p.character {
                return start + i;
            }
            units += match enc {
                Encoding::Utf8 => ch.len_utf8() as u32,
                Encoding::Utf16 => ch.len_utf16() as u32,
            };
            if units > p.character {
                return start + i;
            }
        }
        start + line.len()
    }

    pub fn position(&self, offset: TextSize, enc: Encoding) -> Position {
        let offset = usize::from(offset).min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        // Inside a `\r\n` is the end of the line: LSP cannot point between the two.
        let offset = offset.min(self.line_end(line));
        let prefix = self.text.get(start..offset).unwrap_or("");
        let character = match enc {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    pub fn range(&self, r: TextRange, enc: Encoding) -> Range {
        Range {
            start: self.position(r.start(), enc),
            end: self.position(r.end(), enc),
        }
    }

    pub fn text_range(&self, r: Range, enc: Encoding) -> TextRange {
        let start = self.offset(r.start, enc);
        let end = self.offset(r.end, enc).max(start);
        TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
    }

    /// The whitespace at the start of line `line` (0-based).
    pub fn indent(&self, line: usize) -> &str {
        let start = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let rest = &self.text[start..];
        &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let doc = Document::new("ab\r\ncd\ref\ngh".to_string(), 1);
        let offsets: Vec<usize> = [
            pos(0, 9),
            pos(1, 0),
            pos(1, 9),
            pos(2, 1),
            pos(3, 2),
            pos(4, 0),
        ]
        .into_iter()
        .map(|p| doc.offset(p, Encoding::Utf16))
        .collect();
        // Past a line's end means before its line break, never inside `\r\n`.
        assert_eq!(offsets, [2, 4, 6, 8, 12, 12]);
        assert_eq!(doc.position(TextSize::from(7), Encoding::Utf8), pos(2, 0));
        // Between `\r` and `\n`: the end of the line.
        assert_eq!(doc.position(TextSize::from(3), Encoding::Utf8), pos(0, 2));
    }

    #[test]
    fn an_edit_past_the_end_of_a_crlf_line_keeps_the_line_break_whole() {
        let mut doc = Document::new("a\r\nb\r\n".to_string(), 1);
        let change = TextDocumentContentChangeEvent {
            range: Some(Range {
                start: pos(0, 5),
                end: pos(0, 5),
            }),
            range_length: None,
            text: "x".to_string(),
        };
        doc.apply(vec![change], 2, Encoding::Utf16);
        assert_eq!(doc.text, "ax\r\nb\r\n");
    }
}
