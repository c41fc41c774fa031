//! A name that a component must resolve ends in a suffix its resolver cannot handle
//! (`.local`: Go's resolver does not do mDNS).

use rnix::TextRange;
use rustc_hash::FxHashSet;
use serde::Deserialize;

use super::{Check, Finding, OptionPath, Template, display, params};
use crate::diagnostic::{Edit, Fix, Label, Safety};
use crate::model::Wanted;
use crate::model::{Elem, Model, Piece, Str, ThunkId, Value};

pub static TEMPLATE: Template = Template {
    key: "hostname-suffix",
    description: "A host name in component flags, options or kubeconfigs ends in `suffix`.",
    params: &[
        ("suffix", "The suffix, e.g. `.local`."),
        (
            "exempt",
            "Domains that are fine even though they end in the suffix, e.g. `cluster.local` (covers its subdomains).",
        ),
        (
            "flags",
            "Flags to check: tables with `component`, `flag` and `kind` (`host`, `url` or `url-list`).",
        ),
        (
            "options",
            "Options to check: tables with `path` (dotted, `*` matches one name) and `kind`.",
        ),
        (
            "kubeconfig",
            "Whether to check `clusters[].cluster.server` of kubeconfig attrsets.",
        ),
    ],
    vars: &[
        ("name", "the offending host name"),
        ("source", "where the name is used"),
        ("suffix", "the suffix"),
    ],
    instantiate: |t| Ok(Box::new(params::<Params>(t)?)),
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    suffix: String,
    #[serde(default)]
    exempt: Vec<String>,
    #[serde(default)]
    flags: Vec<FlagSource>,
    #[serde(default)]
    options: Vec<OptionSource>,
    #[serde(default)]
    kubeconfig: bool,
    /// The suffix a fix puts in place of `suffix`, e.g. `.internal`.
    replacement: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagSource {
    component: String,
    flag: String,
    kind: Kind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionSource {
    path: OptionPath,
    kind: Kind,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    /// `node1.local`, maybe with `:port`.
    Host,
    /// `https://cp.local:6443/`.
    Url,
    /// Comma-separated URLs.
    UrlList,
}

impl Check for Params {
    fn wants(&self, wanted: &mut Wanted) {
        for src in &self.options {
            wanted.option(src.path.as_str());
        }
        wanted.option("networking.hosts");
        wanted.option("networking.extraHosts");
        wanted.objects |= self.kubeconfig;
    }

    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        let hosts = mapped_hosts(model);
        let mut report = |s: &Str, kind: Kind, source: String, used: TextRange| {
            let values = match kind {
                Kind::UrlList => s.split(','),
                _ => vec![s.clone()],
            };
            for v in values {
                let host = host_of(&v, !matches!(kind, Kind::Host));
                if let Some(name) = self.offending(&host, &hosts) {
                    let range = host.range().or(v.range()).unwrap_or_default();
                    let secondary = if used.contains_range(range) {
                        vec![]
                    } else {
                        vec![Label {
                            range: used,
                            message: format!("used as {source} here"),
                        }]
                    };
                    out.push(Finding {
                        fix: self.replace_suffix(&host),
                        range,
                        label: format!("`{name}` is resolved by mDNS only"),
                        secondary,
                        vars: vec![
                            ("name", name),
                            ("source", source.clone()),
                            ("suffix", self.suffix.clone()),
                        ],
                    });
                }
            }
        };
        for src in &self.flags {
            for cmd in (model.commands.iter()).filter(|c| c.component == src.component) {
                for flag in cmd.flags().iter().filter(|f| f.name == src.flag) {
                    if let Some(v) = &flag.value {
                        report(
                            v,
                            src.kind,
                            format!("`{}` of {}", src.flag, cmd.component),
                            flag.name_range,
                        );
                    }
                }
            }
        }
        // One pass over the definitions for all the option sources.
        for def in &model.defs {
            for src in (self.options.iter()).filter(|src| def.is_at(src.path.names())) {
                for s in strings(model, def.value) {
                    report(
                        &s,
                        src.kind,
                        format!("`{}`", def.path_string()),
                        def.path
                            .last()
                            .map_or(model.ev.range(def.value), |s| s.range),
                    );
                }
            }
        }
        if self.kubeconfig {
            for obj in &model.objects {
                for t in obj.cluster_servers(&model.ev) {
                    for s in strings(model, t) {
                        report(
                            &s,
                            Kind::Url,
                            "a kubeconfig's cluster `server`".to_string(),
                            model.ev.range(t),
                        );
                    }
                }
            }
        }
    }
}

impl Params {
    /// Replaces the suffix where it is written verbatim at the end of the host.
    fn replace_suffix(&self, host: &Str) -> Option<Fix> {
        let replacement = self.replacement.clone()?;
        let Some(Piece::Text {
            text,
            range,
            verbatim: true,
        }) = host
            .pieces
            .iter()
            .rev()
            .find(|p| p.range().len() > 0.into())
        else {
            return None;
        };
        if !text.ends_with(&self.suffix) {
            return None;
        }
        let len = rnix::TextSize::of(self.suffix.as_str());
        let range = TextRange::new(range.end() - len, range.end());
        let description = format!("replace `{}` with `{replacement}`", self.suffix);
        Some(Fix {
            safety: Safety::Unsafe,
            description,
            edits: vec![Edit { range, replacement }],
        })
    }

    /// The host's display name when it ends in the suffix and is not exempt.
    fn offending(&self, host: &Str, mapped: &FxHashSet<String>) -> Option<String> {
        let suffix = host
            .known_suffix()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if !suffix.ends_with(&self.suffix) {
            return None;
        }
        let exempt = self
            .exempt
            .iter()
            .any(|d| suffix == *d || suffix.ends_with(&format!(".{d}")));
        let whole = host
            .known()
            .map(|h| h.trim_end_matches('.').to_ascii_lowercase());
        if exempt || whole.is_some_and(|h| mapped.contains(&h)) {
            return None;
        }
        Some(display(host))
    }
}

/// The string values of an option: a string, or the strings of a list.
fn strings(model: &Model, t: ThunkId) -> Vec<Str> {
    match model.ev.force_plain(t) {
        Value::Str(s) => vec![s],
        Value::List(items) => items
            .iter()
            .filter_map(|e| match e {
                Elem::One(t) => model.ev.force_plain(*t).as_str().cloned(),
                Elem::Splice(_) => None,
            })
            .collect(),
        _ => vec![],
    }
}

/// The host part of a URL (or of `host:port`): after `scheme://`, up to `:`, `/` or space.
fn host_of(s: &Str, url: bool) -> Str {
    let skip = if url {
        s.known_prefix().find("://").map_or(0, |i| i + 3)
    } else {
        0
    };
    let rest = s.drop_prefix(skip);
    let mut pieces = vec![];
    for (i, p) in rest.pieces.iter().enumerate() {
        match p {
            Piece::Text { text, .. } => {
                if let Some(end) = text.find([':', '/', ' ', '?']) {
                    pieces.push(rest.slice_piece(i, 0, end));
                    break;
                }
                pieces.push(p.clone());
            }
            hole => pieces.push(hole.clone()),
        }
    }
    Str::from_pieces(pieces)
}

/// Names mapped in `networking.hosts` or `networking.extraHosts`: resolvable without mDNS.
fn mapped_hosts(model: &Model) -> FxHashSet<String> {
    let mut out = vec![];
    for (def, _) in model.defs_under(&["networking", "hosts"]) {
        for s in strings(model, def.value) {
            out.extend(s.known());
        }
    }
    for def in model.defs_at(&["networking", "extraHosts"]) {
        if let Value::Str(s) = model.ev.force_plain(def.value) {
            for piece in s.pieces.iter() {
                if let Piece::Text { text, .. } = piece {
                    for line in text.lines() {
                        let line = line.split('#').next().unwrap_or("");
                        out.extend(line.split_whitespace().skip(1).map(str::to_string));
                    }
                }
            }
        }
    }
    (out.iter())
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
        .collect()
}
