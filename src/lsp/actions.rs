//! Code actions: a finding's fix (the same edits as `--fix`), "fix all" for the safe ones,
//! and suppression comments for the line or the file.

use std::collections::HashMap;

use lsp_types::*;
use rnix::{SyntaxKind, TextRange, TextSize};

use super::{Document, Server};
use crate::diagnostic::{Diagnostic, Edit, Safety, builtin};
use crate::fix::fix_text;

pub const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.nixk8s-lint");

/// Diagnostics that comments cannot suppress.
const NOT_SUPPRESSIBLE: &[&str] = &[
    builtin::SYNTAX_ERROR,
    builtin::IO_ERROR,
    builtin::INTERNAL_ERROR,
    builtin::FIX_ERROR,
    builtin::TOO_DEEP,
    builtin::UNUSED_SUPPRESSION,
    builtin::UNKNOWN_RULE,
    builtin::INVALID_SUPPRESSION,
    "config-error",
];

impl Server<'_> {
    pub(super) fn code_actions(&mut self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        if self.pending.contains_key(uri) {
            self.lint(uri);
        }
        let (Some(doc), Some(results)) = (self.docs.get(uri), self.results.get(uri)) else {
            return vec![];
        };
        // `only: ["source"]` asks for `source.fixAll.nixk8s-lint` too; `["quick"]` for nothing.
        let wants = |kind: &CodeActionKind| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|k| {
                    kind.as_str() == k.as_str()
                        || kind.as_str().starts_with(&format!("{}.", k.as_str()))
                })
            })
        };
        let range = doc.text_range(p.range, self.encoding);
        let mut out = vec![];
        if wants(&CodeActionKind::QUICKFIX) {
            for d in results
                .iter()
                .filter(|d| touches(d.range, range) && !NOT_SUPPRESSIBLE.contains(&d.rule.as_str()))
            {
                let diagnostic = self.to_lsp(uri, doc, d);
                let action = |title: String, edits: Vec<TextEdit>, preferred: bool| {
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(uri.clone(), edits)])),
                            ..Default::default()
                        }),
                        is_preferred: preferred.then_some(true),
                        ..Default::default()
                    })
                };
                if let Some(fix) = &d.fix {
                    let title = match fix.safety {
                        Safety::Safe => format!("Fix: {}", fix.description),
                        Safety::Unsafe => format!("Fix (unsafe, review it): {}", fix.description),
                    };
                    let edits = fix.edits.iter().map(|e| self.text_edit(doc, e)).collect();
                    out.push(action(title, edits, fix.safety == Safety::Safe));
                }
                if let Some(edit) = ignore_line(doc, d) {
                    out.push(action(
                        format!("Ignore {} on this line", d.rule),
                        vec![self.text_edit(doc, &edit)],
                        false,
                    ));
                }
                let file = Edit {
                    range: TextRange::empty(0.into()),
                    replacement: format!("# nixk8s-lint: ignore-file[{}]\n", d.rule),
                };
                out.push(action(
                    format!("Ignore {} in this file", d.rule),
                    vec![self.text_edit(doc, &file)],
                    false,
                ));
            }
        }
        if wants(&FIX_ALL)
            && results
                .iter()
                .any(|d| d.fix.as_ref().is_some_and(|f| f.safety == Safety::Safe))
            && let Some(edit) = self.fix_all(uri)
        {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safely fixable nixk8s-lint findings".to_string(),
                kind: Some(FIX_ALL),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        out
    }

    /// The whole document replaced by its safely fixed text.
    fn fix_all(&mut self, uri: &Url) -> Option<TextEdit> {
        let path = uri.to_file_path().ok();
        let linter = self.workspace.linter_for(path.as_deref()).ok()??;
        let doc = self.docs.get(uri)?;
        let fixed = fix_text(&doc.text, &linter, Safety::Safe);
        if fixed.text == doc.text || !fixed.refused.is_empty() {
            return None;
        }
        let all = TextRange::new(0.into(), TextSize::of(doc.text.as_str()));
        Some(TextEdit {
            range: doc.range(all, self.encoding),
            new_text: fixed.text,
        })
    }

    fn text_edit(&self, doc: &Document, e: &Edit) -> TextEdit {
        let new_text = if doc.text.contains("\r\n") {
            e.replacement.replace('\n', "\r\n")
        } else {
            e.replacement.clone()
        };
        TextEdit {
            range: doc.range(e.range, self.encoding),
            new_text,
        }
    }
}

/// A suppression comment on its own line above the finding's line, indented like it; none
/// when that line starts inside a multi-line string, where a comment would be text.
fn ignore_line(doc: &Document, d: &Diagnostic) -> Option<Edit> {
    let line = doc.position(d.range.start(), super::Encoding::Utf8).line as usize;
    let start = doc.line_start(line);
    let root = rnix::Root::parse(&doc.text).syntax();
    let offset = TextSize::from(start as u32);
    if let Some(token) = root.token_at_offset(offset).right_biased()
        && token.kind() == SyntaxKind::TOKEN_STRING_CONTENT
        && token.text_range().start() < offset
    {
        return None;
    }
    let text = format!("{}# nixk8s-lint: ignore[{}]\n", doc.indent(line), d.rule);
    Some(Edit {
        range: TextRange::empty(offset),
        replacement: text,
    })
}

/// Ranges overlap or touch (a cursor at a finding's edge asks about it).
fn touches(a: TextRange, b: TextRange) -> bool {
    a.start() <= b.end() && b.start() <= a.end()
}
