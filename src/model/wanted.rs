//! What the rules read from a model, so that building it skips the rest: a file's
//! `programs.*` or `boot.*` definitions are never evaluated when no rule looks at them.

use std::sync::Arc;

use memchr::memmem::Finder;

use super::options::Segment;
use super::strings::is_ident_char;

/// Option path prefixes (`*` matches any name) and whether Kubernetes objects are needed.
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    /// Shared, so that a file's subset of them costs no copies.
    prefixes: Arc<Vec<Arc<Prefix>>>,
    /// A searcher for each name in the prefixes, built once.
    names: Arc<Vec<(String, Finder<'static>)>>,
    pub objects: bool,
}

#[derive(Debug)]
struct Prefix {
    path: Vec<String>,
    /// The indices in [`Wanted::names`] of the names of `path` (not of `*`).
    searched: Vec<usize>,
}

/// What the model itself reads to find units and command lines: the commands of units (a
/// unit is known by any definition in it) and nixpkgs' Kubernetes module.
const CORE: &[&str] = &[
    "systemd.services.*.serviceConfig.ExecStart",
    "systemd.services.*.script",
    "services.kubernetes",
];

impl Wanted {
    /// Everything: every definition and the objects.
    pub fn everything() -> Wanted {
        let all = Prefix {
            path: vec![],
            searched: vec![],
        };
        Wanted {
            prefixes: Arc::new(vec![Arc::new(all)]),
            names: Arc::default(),
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
        let names = Arc::make_mut(&mut self.names);
        let mut searched = vec![];
        for name in path.split('.').filter(|n| *n != "*") {
            let i = match names.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    names.push((name.to_string(), Finder::new(name).into_owned()));
                    names.len() - 1
                }
            };
            searched.push(i);
        }
        let path = path.split('.').map(str::to_string).collect();
        Arc::make_mut(&mut self.prefixes).push(Arc::new(Prefix { path, searched }));
    }

    /// For a file with source `text`. A file defines a wanted option only by writing its
    /// names (`systemd`, `services`, ...) somewhere, each as a whole name: what it cannot
    /// define is not looked for, and a file that can define no wanted option is not
    /// evaluated. (A name computed from pieces, as in `${"sys" + "temd"}`, is missed, and so
    /// is unknown rather than guessed.) Objects are found from where the text writes their
    /// keys in any case (`objects::candidates`), so their wish is kept as it is.
    pub fn for_text(&self, text: &str) -> Wanted {
        let bytes = text.as_bytes();
        // Each name is searched for at most once, and only while its prefix may match:
        // a file without `services` is not searched for `kubernetes`.
        let mut found: Vec<Option<bool>> = vec![None; self.names.len()];
        let mut written = |i: usize| {
            *found[i].get_or_insert_with(|| {
                let (name, finder) = &self.names[i];
                (finder.find_iter(bytes)).any(|at| whole_name(bytes, at, at + name.len()))
            })
        };
        let wanted: Vec<bool> = (self.prefixes.iter())
            .map(|p| p.searched.iter().all(|&i| written(i)))
            .collect();
        let prefixes = if wanted.iter().all(|&w| w) {
            self.prefixes.clone()
        } else {
            Arc::new(
                (self.prefixes.iter().zip(&wanted))
                    .filter(|(_, w)| **w)
                    .map(|(p, _)| p.clone())
                    .collect(),
            )
        };
        Wanted {
            prefixes,
            names: self.names.clone(),
            objects: self.objects,
        }
    }

    /// Whether any option definition is wanted.
    pub fn any_option(&self) -> bool {
        !self.prefixes.is_empty()
    }

    /// Whether definitions at `path` (or below it, or above a wanted prefix) are wanted.
    /// An interpolated name may be any name, so it matches.
    pub fn covers(&self, path: &[Segment]) -> bool {
        self.prefixes.iter().any(|p| {
            (p.path.iter().zip(path))
                .all(|(want, seg)| want == "*" || seg.key.known().is_none_or(|k| k == want))
        })
    }
}

/// Whether `bytes[start..end]` is a whole name: no identifier character (`[A-Za-z0-9_'-]`)
/// right before or after it, nor a `/` before it. `systemd` in `boot.loader.systemd-boot`
/// is part of another name and `kubernetes` in `./kubernetes.nix` part of a path; in
/// `"systemd"` or `systemd.services` it is whole.
fn whole_name(bytes: &[u8], start: usize, end: usize) -> bool {
    let ident = |b: &u8| is_ident_char(char::from(*b));
    let before = start.checked_sub(1).and_then(|i| bytes.get(i));
    !(before.is_some_and(|b| ident(b) || *b == b'/') || bytes.get(end).is_some_and(ident))
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
            &["systemd", "services", "kubelet"],
            &[
                "systemd",
                "services",
                "kubelet",
                "serviceConfig",
                "ExecStart",
            ],
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
            &["systemd", "services", "kubelet", "description"],
            &["networking", "hosts", "1.2.3.4", "y"],
        ] {
            assert!(!w.covers(&path(no)), "{no:?}");
        }
        assert!(Wanted::everything().covers(&path(&["programs", "git"])));
    }

    #[test]
    fn a_file_is_searched_only_for_the_options_it_writes_the_names_of() {
        let mut w = Wanted::core();
        w.option("services.k3s.serverAddr");
        w.objects = true;
        let none = w.for_text("{ services.openssh.enable = true; networking.hostName = \"a\"; }");
        assert!(!none.any_option());
        let unit = w.for_text("{ systemd = { services.kubelet.script = \"\"; }; }");
        assert!(unit.covers(&path(&["systemd", "services", "kubelet"])));
        assert!(!unit.covers(&path(&["services", "k3s", "serverAddr"])));
        let boot = w.for_text(
            "{ imports = [ ./kubernetes.nix ]; boot.loader.systemd-boot.enable = true; services.x = 1; }",
        );
        assert!(
            !boot.any_option(),
            "neither `systemd-boot` nor a path writes a name"
        );
        for whole in [
            "{ \"systemd\".services.kubelet.script = \"\"; }",
            "{ systemd.services.kubelet.script = \"\"; }",
            "{ systemd.services.\"kubelet\".script = x; }",
        ] {
            assert!(w.for_text(whole).any_option(), "{whole}");
        }
        let object = w.for_text("{ x = { kind = \"KubeletConfiguration\"; }; }");
        assert!(object.objects && !object.any_option());
        assert!(w.for_text("{ }").objects, "objects are found from the text");
        assert!(
            Wanted::everything()
                .for_text("")
                .covers(&path(&["programs"]))
        );
    }
}
