//! Parsing a file again around what an edit leaves whole: for an edit outside every site
//! that [`Parsed::reparse`] knows (against a module's own `let`, `in` or braces), the large
//! sets and lists that the edit does not touch are emptied, the rest of the file is parsed,
//! and their old trees are put back in place of the empty ones.
//!
//! This gives the tree, and the errors, that a full parse would build. rnix parses a set or
//! a list the same wherever it stands: the tokens inside one without errors are balanced,
//! so the lexer leaves it as it entered it; once the parser has taken `{` (or `[`) as the
//! start of a set (list), it parses the inside on its own until the closing bracket; and
//! what follows is parsed alike whatever stood inside. So when each emptied set or list
//! parses as a set or list again, at its place, the whole does too.

use rnix::{SyntaxKind, SyntaxNode, TextRange, TextSize};
use rowan::{GreenNode, GreenNodeData, Language, NodeOrToken, WalkEvent};

use super::parsed::{Parsed, RNIX_DEPTH_LIMIT, moved};

/// Which sets and lists are emptied: those with at least `min_inside` bytes between their
/// brackets, and only when together they take out at least `min_taken_percent` of the text.
#[derive(Clone, Copy)]
struct Hollowing {
    min_inside: usize,
    min_taken_percent: usize,
}

/// What the editor empties: sets and lists of a line or more, when they hold a quarter of
/// the text or more. A parse that succeeds is shorter by what they hold; one that fails
/// (the edits leave an error with no place) costs at most three quarters of a full parse
/// more. On the 5,000-line module of `scripts/lsp-bench.py` with every `pkgs.x` made
/// `(pkgs).x` (sent as a whole text, so its changed lines are the edits), sets and lists of
/// 64 bytes or more hold a third of the text, and parsing around them takes a quarter fewer
/// instructions than a full parse; those of 256 bytes or more hold an eighth, and save 4 %.
/// Fuzzing empties every set and list, to try more grafts.
const WORTHWHILE: Hollowing = if cfg!(fuzzing) {
    EVERY
} else {
    Hollowing {
        min_inside: 64,
        min_taken_percent: 25,
    }
};
const EVERY: Hollowing = Hollowing {
    min_inside: 1,
    min_taken_percent: 0,
};

/// An old set or list, emptied in the text that is parsed.
struct Hole {
    kind: SyntaxKind,
    /// Where it starts, and how long it is once emptied, in the emptied text.
    start: TextSize,
    len: TextSize,
    /// How much was taken out of it.
    taken: TextSize,
    green: GreenNode,
}

/// The tree of `new_text`, `old`'s text with `edits` made, parsed around the large sets and
/// lists of `old` that the edits leave whole (`old` has no errors). Each edit is a range of
/// the old text and the length of the text that replaced it, in order, apart from each
/// other. `None` when the sets and lists hold less than half the text, or one of them no
/// longer parses as a set or list at its place, or an error has no place, or the tree could
/// nest too deep: parse fully then.
pub(super) fn reparse_around(
    old: &SyntaxNode,
    edits: &[(TextRange, usize)],
    new_text: &str,
) -> Option<Parsed> {
    reparse_hollowed(old, edits, new_text, WORTHWHILE)
}

fn reparse_hollowed(
    old: &SyntaxNode,
    edits: &[(TextRange, usize)],
    new_text: &str,
    hollowing: Hollowing,
) -> Option<Parsed> {
    // What no edit replaced bounds what can be taken out.
    let replaced: usize = edits.iter().map(|(_, inserted)| inserted).sum();
    if new_text.len().saturating_sub(replaced) * 100 < new_text.len() * hollowing.min_taken_percent
    {
        return None;
    }
    // Where an offset of the old text outside the edits is in the new text: moved by what
    // the edits before it inserted and removed (summed once, for all offsets).
    let inserted = running_sums(edits.iter().map(|(_, inserted)| *inserted));
    let removed = running_sums(edits.iter().map(|(e, _)| usize::from(e.len())));
    let moved_by = |at: TextSize| {
        let before = edits.partition_point(|(e, _)| e.end() < at);
        (usize::from(at) + inserted[before]).checked_sub(removed[before])
    };
    let mut text = String::with_capacity(new_text.len() / 2);
    let mut holes: Vec<Hole> = vec![];
    let mut copied = 0;
    for (node, inside) in untouched(old, edits, hollowing.min_inside) {
        let (inside_start, inside_end) = (moved_by(inside.start())?, moved_by(inside.end())?);
        let node_start = moved_by(node.text_range().start())?;
        let start = TextSize::of(&text[..]) + TextSize::try_from(node_start - copied).ok()?;
        text.push_str(new_text.get(copied..inside_start)?);
        copied = inside_end;
        holes.push(Hole {
            kind: node.kind(),
            start,
            len: node.text_range().len() - inside.len(),
            taken: inside.len(),
            green: node.green().to_owned(),
        });
    }
    text.push_str(new_text.get(copied..)?);
    let taken = new_text.len() - text.len();
    if holes.is_empty() || taken * 100 < new_text.len() * hollowing.min_taken_percent {
        return None;
    }
    let parse = super::parsed::parse(&text);
    let mut grafted = 0;
    let root = parse.syntax();
    let green = graft(root.green(), TextSize::from(0), 0, &holes, &mut grafted)?;
    if grafted != holes.len() {
        return None;
    }
    // An error's offsets move by what was taken out before them.
    let taken_before = running_sums(holes.iter().map(|h| usize::from(h.taken)));
    let to_new = |at: TextSize, end: bool| {
        let before = holes.partition_point(|h| {
            let inside = h.start + h.len - TextSize::from(1);
            if end { inside < at } else { inside <= at }
        });
        at + TextSize::from(taken_before[before] as u32)
    };
    let errors = parse.errors().iter().map(|e| {
        moved(e, |r| {
            Some(TextRange::new(
                to_new(r.start(), false),
                to_new(r.end(), true),
            ))
        })
    });
    Some(Parsed {
        green,
        errors: errors.collect::<Option<_>>()?,
    })
}

/// `[0, a, a + b, ...]`: the sums of the first 0, 1, 2, ... of `values`.
fn running_sums(values: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut sums = vec![0];
    sums.extend(values.scan(0, |sum, v| {
        *sum += v;
        Some(*sum)
    }));
    sums
}

/// The largest sets and lists of `root` that no edit touches or adjoins, with `min_inside`
/// bytes or more between their brackets, and the range between them.
fn untouched(
    root: &SyntaxNode,
    edits: &[(TextRange, usize)],
    min_inside: usize,
) -> Vec<(SyntaxNode, TextRange)> {
    use SyntaxKind::*;
    let mut found = vec![];
    let mut walk = root.preorder();
    while let Some(event) = walk.next() {
        let WalkEvent::Enter(node) = event else {
            continue;
        };
        let range = node.text_range();
        if usize::from(range.len()) < min_inside {
            walk.skip_subtree();
            continue;
        }
        let next = edits.partition_point(|(e, _)| e.end() < range.start());
        if edits
            .get(next)
            .is_some_and(|(e, _)| e.start() <= range.end())
        {
            continue;
        }
        let (open, close) = match node.kind() {
            NODE_ATTR_SET => (TOKEN_L_BRACE, TOKEN_R_BRACE),
            NODE_LIST => (TOKEN_L_BRACK, TOKEN_R_BRACK),
            _ => continue,
        };
        let bracket = |kind| {
            node.children_with_tokens()
                .find(|c| c.kind() == kind)
                .map(|c| c.text_range())
        };
        if let (Some(open), Some(close)) = (bracket(open), bracket(close)) {
            let inside = TextRange::new(open.end(), close.start());
            if usize::from(inside.len()) >= min_inside {
                found.push((node, inside));
                walk.skip_subtree();
            }
        }
    }
    found
}

/// `node` (at `at` in the emptied text, `depth` nodes down) with the old trees of the
/// holes in it put back; `None` if one would nest too deep. Counts the holes put back.
fn graft(
    node: &GreenNodeData,
    at: TextSize,
    depth: usize,
    holes: &[Hole],
    grafted: &mut usize,
) -> Option<GreenNode> {
    let end = at + node.text_len();
    let first = holes.partition_point(|h| h.start < at);
    let inside = &holes[first..holes.partition_point(|h| h.start < end)];
    match inside {
        [] => return Some(node.to_owned()),
        [hole, ..]
            if hole.start == at
                && hole.len == node.text_len()
                && rnix::NixLanguage::kind_from_raw(node.kind()) == hole.kind =>
        {
            if depth + 1 + deepest(&hole.green) >= RNIX_DEPTH_LIMIT {
                return None;
            }
            *grafted += 1;
            return Some(hole.green.clone());
        }
        _ => {}
    }
    let mut offset = at;
    let children = node.children().map(|child| {
        let child_at = offset;
        offset += child.text_len();
        Some(match child {
            NodeOrToken::Node(n) => {
                NodeOrToken::Node(graft(n, child_at, depth + 1, inside, grafted)?)
            }
            NodeOrToken::Token(t) => NodeOrToken::Token(t.to_owned()),
        })
    });
    let children: Vec<_> = children.collect::<Option<_>>()?;
    Some(GreenNode::new(node.kind(), children))
}

/// How many nodes deep a green tree goes, without building its red nodes.
pub(super) fn deepest(node: &GreenNodeData) -> usize {
    let mut stack = vec![(node, 1)];
    let mut deepest = 0;
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        stack.extend(
            node.children()
                .filter_map(NodeOrToken::into_node)
                .map(|n| (n, depth + 1)),
        );
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replaces `range` of `text` with `insert` and parses around what it leaves whole;
    /// checks the result against a full parse and returns it.
    fn check(
        text: &str,
        range: std::ops::Range<usize>,
        insert: &str,
        h: Hollowing,
    ) -> Option<Parsed> {
        let old = Parsed::new(text).unwrap();
        assert!(old.errors.is_empty());
        let mut new_text = text.to_string();
        new_text.replace_range(range.clone(), insert);
        let edit = TextRange::new((range.start as u32).into(), (range.end as u32).into());
        let re = reparse_hollowed(&old.syntax(), &[(edit, insert.len())], &new_text, h)?;
        let full = Parsed::new(&new_text).unwrap();
        assert!(re.green == full.green, "{new_text:?}");
        assert_eq!(re.errors, full.errors, "{new_text:?}");
        Some(re)
    }

    /// A module whose `let` and body hold large sets and lists.
    fn module() -> String {
        let mut text = String::from("{ config, lib, pkgs, ... }:\nlet\n  flags = [\n");
        for i in 0..20 {
            text += &format!("    \"--node-ip=10.0.0.{i}\"\n");
        }
        text += "  ];\n  pki = \"/var/lib/kubernetes\";\nin {\n";
        // `@` stands for the unit's number.
        const UNIT: &str = r#"  systemd.services.k8s-@ = {
    description = "unit ${toString @}";
    path = [ pkgs.util-linux ];
    environment.KUBECONFIG = "${pki}/kubelet-@.conf";
    serviceConfig = {
      Restart = "always";
      RestartSec = "10s";
      ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
    };
  };
"#;
        for i in 0..10 {
            text += &UNIT.replace('@', &i.to_string());
        }
        text + "}\n"
    }

    #[test]
    fn an_edit_outside_every_site_parses_only_what_is_around_the_large_sets_and_lists() {
        let text = module();
        let at = |needle: &str| text.find(needle).unwrap();
        let before_in = at("\nin {") + 1;
        for insert in [" ", "\n  n = 1;\n", "  # a comment\n"] {
            assert!(check(&text, before_in..before_in, insert, WORTHWHILE).is_some());
        }
        // Errors are moved past what was taken out before them.
        let semi = at("];") + 1;
        let re = check(&text, semi..semi + 1, "", WORTHWHILE).unwrap();
        assert!(!re.errors.is_empty());
        // Unless one has no place (the end of the text): parsed in full.
        let let_ = at("let");
        assert!(check(&text, let_ + 3..let_ + 3, "s", WORTHWHILE).is_none());
        let body = at("in {") + 3;
        assert!(check(&text, body..body, "x: ", WORTHWHILE).is_some());
        // A string or a comment left open takes the sets and lists in: parsed in full.
        assert!(check(&text, before_in..before_in, "\"", WORTHWHILE).is_none());
        assert!(check(&text, before_in..before_in, "/*", WORTHWHILE).is_none());
        // Too little left out to be worth it.
        assert!(
            check(
                &text,
                before_in..before_in,
                " ",
                Hollowing {
                    min_inside: 100_000,
                    ..WORTHWHILE
                }
            )
            .is_none()
        );
    }

    /// A rename throughout, as a replace-all makes it: a change in every unit. The sets
    /// and lists between the changes, of a few lines each, are put back.
    #[test]
    fn many_changes_apart_are_parsed_around_the_small_sets_between_them() {
        let text = module();
        let old = Parsed::new(&text).unwrap().syntax();
        let (from, to) = ("pkgs.util-linux", "(pkgs).util-linux");
        let edits: Vec<(TextRange, usize)> = (text.match_indices(from))
            .map(|(at, _)| {
                (
                    TextRange::at((at as u32).into(), TextSize::of(from)),
                    to.len(),
                )
            })
            .collect();
        assert_eq!(edits.len(), 10);
        let new_text = text.replace(from, to);
        let re = reparse_hollowed(&old, &edits, &new_text, WORTHWHILE).expect("parsed around");
        assert!(re.green == Parsed::new(&new_text).unwrap().green);
        // Only sets and lists of 256 bytes or more emptied: too little of the text.
        let large = Hollowing {
            min_inside: 256,
            ..WORTHWHILE
        };
        assert!(reparse_hollowed(&old, &edits, &new_text, large).is_none());
    }

    #[test]
    fn sets_and_lists_put_back_into_any_file_give_what_a_full_parse_gives() {
        const INSERTS: &[&str] = &[
            "x", " ", "\n", "\"", "''", "${", "{", "}", "[", "]", "{ }", ";", "#", "/*", ":", "@",
            "a = 1; ", "rec ", "in ", "let ",
        ];
        let (mut edits, mut applied, mut with_errors) = (0, 0, 0);
        for text in crate::syntax::clean_testdata() {
            let starts = (0..text.len())
                .filter(|&i| text.is_char_boundary(i))
                .step_by(5);
            for (n, start) in starts.enumerate() {
                let insert = INSERTS[n % INSERTS.len()];
                edits += 1;
                if let Some(re) = check(&text, start..start, insert, EVERY) {
                    applied += 1;
                    with_errors += usize::from(!re.errors.is_empty());
                }
            }
        }
        assert!(
            applied * 4 > edits,
            "{applied} of {edits} edits parsed around"
        );
        assert!(
            with_errors * 10 > applied,
            "{with_errors} of {applied} with errors"
        );
    }
}
