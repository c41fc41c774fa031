//! Inline suppressions in Nix comments:
//!
//! - `# nixk8s-lint: ignore[rule-a, rule-b] reason` at the end of the finding's line, or
//!   alone on the line(s) just above it;
//! - `# nixk8s-lint: ignore-file[rule] reason` among the file's leading comments.
//!
//! Only real comment tokens count: the same text inside a string suppresses nothing.

use rnix::{SyntaxKind, SyntaxNode, TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::syntax::LineIndex;

const PREFIX: &str = "nixk8s-lint:";

/// One parsed directive.
#[derive(Debug)]
pub struct Directive {
    pub file_wide: bool,
    /// Each rule name with its range in the source.
    pub rules: Vec<(String, TextRange)>,
    pub reason: Option<String>,
    /// The comment.
    pub range: TextRange,
    /// The line it applies to (1-based); unused for file-wide ones.
    pub target_line: usize,
}

/// A comment that starts like a directive but is not one.
#[derive(Debug)]
pub struct Malformed {
    pub range: TextRange,
    pub message: String,
}

/// Finds the directives of a file.
pub fn directives(root: &SyntaxNode, text: &str) -> (Vec<Directive>, Vec<Malformed>) {
    if !text.contains(PREFIX) {
        return (vec![], vec![]);
    }
    let index = LineIndex::new(text);
    let mut out = vec![];
    let mut bad = vec![];
    let mut leading = true;
    for token in root
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        match token.kind() {
            SyntaxKind::TOKEN_WHITESPACE => continue,
            SyntaxKind::TOKEN_COMMENT => {}
            _ => {
                leading = false;
                continue;
            }
        }
        let body = comment_body(token.text());
        let Some(rest) = body.trim_start().strip_prefix(PREFIX) else {
            continue;
        };
        let range = token.text_range();
        let offset = token.text_range().start()
            + TextSize::of(&token.text()[..token.text().len() - rest.len()]);
        match parse(rest, offset) {
            Ok((file_wide, rules, reason)) => {
                if file_wide && !leading {
                    bad.push(Malformed {
                        range,
                        message: "`ignore-file` must be among the file's leading comments"
                            .to_string(),
                    });
                    continue;
                }
                let (line, _) = index.position(range.start());
                // Alone on its line (nothing before it, nor after a block comment).
                let end = usize::from(range.end());
                let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n);
                let own_line = text[index.line_start(line)..usize::from(range.start())]
                    .trim()
                    .is_empty()
                    && text[end..line_end].trim().is_empty();
                let target_line = if own_line {
                    next_code_line(text, &index, range.end())
                } else {
                    line
                };
                out.push(Directive {
                    file_wide,
                    rules,
                    reason,
                    range,
                    target_line,
                });
            }
            Err(message) => bad.push(Malformed { range, message }),
        }
    }
    (out, bad)
}

fn comment_body(text: &str) -> &str {
    match text.strip_prefix('#') {
        Some(s) => s,
        None => text.trim_start_matches("/*").trim_end_matches("*/"),
    }
}

type Parsed = (bool, Vec<(String, TextRange)>, Option<String>);

/// Parses `ignore[a, b] reason` (after the prefix); `offset` is where `rest` starts.
fn parse(rest: &str, offset: TextSize) -> Result<Parsed, String> {
    let trimmed = rest.trim_start();
    let mut at = offset + TextSize::of(&rest[..rest.len() - trimmed.len()]);
    let (file_wide, after) = if let Some(a) = trimmed.strip_prefix("ignore-file") {
        (true, a)
    } else if let Some(a) = trimmed.strip_prefix("ignore") {
        (false, a)
    } else {
        return Err("expected `ignore[rule, ...]` or `ignore-file[rule, ...]`".to_string());
    };
    at += TextSize::of(&trimmed[..trimmed.len() - after.len()]);
    let Some(list) = after.strip_prefix('[') else {
        return Err(
            "expected `[` and the rule names to ignore, e.g. `ignore[mdns-hostname]`".to_string(),
        );
    };
    at += TextSize::from(1);
    let Some(close) = list.find(']') else {
        return Err("missing `]` after the rule names".to_string());
    };
    let mut rules = vec![];
    let mut pos = 0;
    for part in list[..close].split(',') {
        let name = part.trim();
        let start = pos + (part.len() - part.trim_start().len());
        pos += part.len() + 1;
        if !name.is_empty() {
            let s = at + TextSize::from(start as u32);
            rules.push((name.to_string(), TextRange::at(s, TextSize::of(name))));
        }
    }
    if rules.is_empty() {
        return Err("name at least one rule to ignore".to_string());
    }
    let reason = list[close + 1..].trim();
    Ok((
        file_wide,
        rules,
        (!reason.is_empty()).then(|| reason.to_string()),
    ))
}

/// The first line after `offset` that holds something other than whitespace and comments.
fn next_code_line(text: &str, index: &LineIndex, offset: TextSize) -> usize {
    let (mut line, _) = index.position(offset);
    let lines: Vec<&str> = text.lines().collect();
    while line < lines.len() {
        let l = lines[line].trim();
        if !l.is_empty() && !l.starts_with('#') {
            return line + 1;
        }
        line += 1;
    }
    line + 1
}

/// Whether a directive covers a diagnostic: same rule, and the diagnostic starts (or ends)
/// on the directive's line, or the directive is file-wide.
pub fn covers(d: &Directive, diag: &Diagnostic, rule: &str, index: &LineIndex) -> bool {
    if rule != diag.rule {
        return false;
    }
    if d.file_wide {
        return true;
    }
    let (start, _) = index.position(diag.range.start());
    let (end, _) = index.position(diag.range.end());
    d.target_line == start || d.target_line == end
}
