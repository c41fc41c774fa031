//! `--format concise`: `path:line:col: severity[rule] message`, one line each, for Vim's
//! errorformat, Emacs' compilation mode and CI logs.

use super::{FileReport, located};

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for l in located(reports) {
        let d = l.diagnostic;
        let mut message = d.message.replace(['\r', '\n'], " ");
        if d.suppressed.is_some() {
            message.push_str(" (suppressed)");
        }
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {message}\n",
            l.path, l.line, l.column, d.severity, d.rule
        ));
    }
    out
}
