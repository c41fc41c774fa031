//! What the rules read from a model, so that building it skips the rest: a file's
//! `programs.*` or `boot.*` definitions are never evaluated when no rule looks at them.

use std::sync::Arc;

use super::options::Segment;

/// Option path prefixes (`*` matches any name) and whether Kubernetes objects are needed.
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    prefixes: Arc<Vec<Vec<String>>>,
    pub objects: bool,
}

/// What the model itself reads to find units and command lines.
const CORE: &[&str] = &["systemd.services", "services.kubernetes"];

impl Wanted {
    /// Everything: every definition and the objects.
    pub fn everything() -> Wanted {
        Wanted {
            prefixes: Arc::new(vec![vec![]]),
            objects: true,
        }
    }

    /// The units and command lines, and nothing else yet.
    pub fn core() -> Wanted {
        let mut w = Wanted::default();
        for p in CORE {
            w.option(p);
        }
        w
    }

    /// Definitions at and below the dotted `path`.
    pub fn option(&mut self, path: &str) {
        Arc::make_mut(&mut self.prefixes).push(path.split('.').map(str::to_string).collect());
    }

    /// For a file with source `text`: objects only where it writes a key they need
    /// (`kind`, `clusters`), which an object's source always does.
    pub fn for_text(&self, text: &str) -> Wanted {
        Wanted {
            prefixes: self.prefixes.clone(),
            objects: self.objects && (text.contains("kind") || text.contains("clusters")),
        }
    }

    /// Whether definitions at `path` (or below it, or above a wanted prefix) are wanted.
    /// An interpolated name may be any name, so it matches.
    pub fn covers(&self, path: &[Segment]) -> bool {
        self.prefixes.iter().any(|p| {
            p.iter()
                .zip(path)
                .all(|(want, seg)| want == "*" || seg.key.known().is_none_or(|k| k == want))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Key;

    fn path(names: &[&str]) -> Vec<Segment> {
        names
            .iter()
            .map(|n| Segment {
                key: match *n {
                    "<name>" => Key::Partial(Default::default()),
                    n => Key::Known(n.into()),
                },
                range: Default::default(),
                value: 0,
            })
            .collect()
    }

    #[test]
    fn covers_paths_above_at_and_below_a_prefix() {
        let mut w = Wanted::core();
        w.option("services.k3s.serverAddr");
        w.option("networking.hosts.*.x");
        for yes in [
            &["services"][..],
            &["services", "k3s"],
            &["services", "k3s", "serverAddr"],
            &["services", "kubernetes", "apiserver", "extraOpts"],
            &["systemd", "services", "kubelet", "path"],
            &["<name>", "k3s"],
            &["networking", "hosts", "1.2.3.4", "x"],
        ] {
            assert!(w.covers(&path(yes)), "{yes:?}");
        }
        for no in [
            &["programs"][..],
            &["services", "nginx"],
            &["services", "k3s", "enable"],
            &["systemd", "tmpfiles"],
            &["networking", "hosts", "1.2.3.4", "y"],
        ] {
            assert!(!w.covers(&path(no)), "{no:?}");
        }
        assert!(Wanted::everything().covers(&path(&["programs", "git"])));
    }
}
