//! A parsed file, and reparsing after an edit: the language server keeps a document's last
//! tree without syntax errors and, when an edit falls inside an attribute set, a `let`, a
//! list or a function's pattern, parses again only the bindings or elements it touches, or
//! the pattern, or the comments around the file's expression (as rust-analyzer reparses
//! blocks), and so around each of a few edits apart; elsewhere, the file around the large
//! sets and lists the edit leaves whole ([`super::hollow`]); and a text whose tokens are
//! the old ones but for blank space and comments is only lexed ([`super::relex`]). The
//! result is the tree, and the errors, that a full parse would build.

use std::borrow::Cow;
use std::ops::Range;

use rnix::{NodeOrToken, ParseError, SyntaxElement, SyntaxKind, SyntaxNode, TextRange, TextSize};
use rowan::{GreenNode, GreenNodeData, GreenToken, Language};

use crate::diagnostic::Diagnostic;

/// rnix stops parsing at this many nested expressions (its `parse_expr` limit).
pub(super) const RNIX_DEPTH_LIMIT: usize = 512;

/// A syntax tree and the errors rnix reported while building it.
#[derive(Clone)]
pub struct Parsed {
    pub green: GreenNode,
    pub errors: Vec<ParseError>,
}

impl Parsed {
    /// Parses a file's text; a byte order mark is parsed as whitespace (three spaces, the
    /// same length, so offsets agree with the text). Refuses, with a `too-deep`
    /// diagnostic, a text that would recurse too deep.
    pub fn new(text: &str) -> Result<Parsed, Box<Diagnostic>> {
        if let Some(refusal) = super::too_deep(text) {
            return Err(Box::new(refusal));
        }
        Ok(Self::parse_full(text))
    }

    /// `text` parsed in full, with no refusal.
    fn parse_full(text: &str) -> Parsed {
        let parse = parse(text);
        Parsed {
            green: parse.syntax().green().to_owned(),
            errors: parse.errors().to_vec(),
        }
    }

    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    pub fn root(&self) -> rnix::Root {
        <rnix::Root as rowan::ast::AstNode>::cast(self.syntax()).expect("a parse's root is a Root")
    }

    /// The tree of `new_text`, this tree's text with changes made: `edit` is the range of
    /// the old text that differs and `insert` the new text in its place; `apart` gives the
    /// ranges of the old text that the changes replaced, in order and apart from each
    /// other, with the length of what replaced each. Built from this tree, when it has no
    /// errors, where that gives exactly what a full parse gives:
    /// - the site around the edit parsed again ([`Self::reparse`]);
    /// - else, for a few changes apart, the site around each (`reparse_sites`);
    /// - else the file parsed around the large sets and lists that the changes leave
    ///   whole (`syntax/hollow.rs`);
    /// - else, when the changes span a quarter of the text or more and the new text's
    ///   tokens are this tree's, kind for kind but for blank space and comments, this tree
    ///   with the new tokens in place (`syntax/relex.rs`).
    ///
    /// Else the text is parsed in full. A `too-deep` text is refused, as by [`Self::new`].
    pub fn edited(
        &self,
        edit: TextRange,
        insert: &str,
        apart: &[(TextRange, usize)],
        new_text: &str,
    ) -> Result<Parsed, Box<Diagnostic>> {
        if let Some(refusal) = super::too_deep(new_text) {
            return Err(Box::new(refusal));
        }
        let single = [(edit, insert.len())];
        let around = if apart.len() > 1 { apart } else { &single };
        // Relexing costs a lex of the text up to the first token that differs. A change
        // to less than a quarter of the text that the ways above could not take mostly
        // leaves an error with no place (a closing brace deleted), which relexing cannot
        // take either. Fuzzing relexes first, to try it on every edit.
        let widely = usize::from(edit.len()).max(insert.len()) * 4 >= new_text.len();
        // Each site costs about what a full parse of a few hundred bytes does, besides its
        // own text: with more than one change per kilobyte of a large text, a full parse
        // is as cheap.
        let few = apart.len() > 1 && apart.len() * 1024 <= new_text.len().max(1 << 16);
        let reused = cfg!(fuzzing)
            .then(|| self.relexed(new_text))
            .flatten()
            .or_else(|| self.reparse_site(edit, insert.len(), new_text))
            .or_else(|| few.then(|| self.reparse_sites(apart, new_text))?)
            .or_else(|| self.reparse_around(around, new_text))
            .or_else(|| widely.then(|| self.relexed(new_text)).flatten());
        Ok(reused.unwrap_or_else(|| Self::parse_full(new_text)))
    }

    /// The tree after replacing `edit` (a range of the old text) with `insert`, giving
    /// `new_text`: the innermost site around the edit is parsed again, on its own, and
    /// put in place of the old one. New syntax errors are kept when the parse of their
    /// set, `let`, list or pattern ends at its own closing token, as it does in the file.
    /// When no site can be (the edit touches a site's brackets or keywords, an error runs
    /// on past the closing token, the site could now nest too deep), the file is parsed
    /// around the large sets and lists the edit leaves whole (`syntax/hollow.rs`). `None`
    /// when neither gives exactly what a full parse would, or the old tree has errors, or
    /// the new text is `too-deep`: parse fully then.
    pub fn reparse(&self, edit: TextRange, insert: &str, new_text: &str) -> Option<Parsed> {
        if super::too_deep(new_text).is_some() {
            return None;
        }
        self.reparse_site(edit, insert.len(), new_text)
            .or_else(|| self.reparse_around(&[(edit, insert.len())], new_text))
    }

    /// The tree after several edits apart (ranges of the old text, in order, and the
    /// lengths of what replaced them), giving `new_text`: the site around each edit parsed
    /// again, as [`Self::reparse`] does for one, and all put in place at once. Each site
    /// is found in this tree; when it reaches into the site before, or the edit does, or
    /// there is none, the edit and the one before are taken as one. `None` when none can
    /// be, or a site has errors, or the sites hold more than half the text; the caller
    /// refuses a `too-deep` text.
    pub(crate) fn reparse_sites(
        &self,
        edits: &[(TextRange, usize)],
        new_text: &str,
    ) -> Option<Parsed> {
        let root = self.syntax();
        let mut budget = (new_text.len() / 2).max(1 << 16);
        let mut sites: Vec<(Site, TextRange, usize)> = vec![];
        for &(mut edit, mut inserted) in edits {
            loop {
                let site = match sites.last() {
                    Some((before, ..)) if edit.start() <= before.range.end() => None,
                    before => Site::find(&root, edit).filter(|site| {
                        before.is_none_or(|(b, ..)| b.range.end() <= site.range.start())
                    }),
                };
                if let Some(site) = site {
                    budget = budget.checked_sub(site.range.len().into())?;
                    sites.push((site, edit, inserted));
                    break;
                }
                // The edit before, the old text between and this edit, as one edit.
                let (site, earlier, more) = sites.pop()?;
                budget += usize::from(site.range.len());
                inserted += more + usize::from(edit.start() - earlier.end());
                edit = earlier.cover(edit);
            }
        }
        self.sites_reparsed(sites, new_text)
    }

    /// The tree after several edits far apart (ranges of the old text, in order, apart from
    /// each other, and the lengths of what replaced them), giving `new_text`: parsed around
    /// the large sets and lists they leave whole (`syntax/hollow.rs`). `None` as for
    /// [`Self::reparse`], but the caller refuses a `too-deep` text.
    pub(crate) fn reparse_around(
        &self,
        edits: &[(TextRange, usize)],
        new_text: &str,
    ) -> Option<Parsed> {
        let root = self.syntax();
        let end = root.text_range().end();
        if !self.errors.is_empty() || edits.last().is_some_and(|(e, _)| e.end() > end) {
            return None;
        }
        super::hollow::reparse_around(&root, edits, new_text)
    }

    /// This tree with the tokens of `new_text` in place of its own, when they are of the
    /// same kinds in the same order (`syntax/relex.rs`) and this tree has no errors.
    fn relexed(&self, new_text: &str) -> Option<Parsed> {
        if !self.errors.is_empty() {
            return None;
        }
        Some(Parsed {
            green: super::relex::relex(&self.green, &unmarked(new_text))?,
            errors: vec![],
        })
    }

    /// [`Self::reparse`] at the innermost [`Site`] around the edit.
    fn reparse_site(&self, edit: TextRange, inserted: usize, new_text: &str) -> Option<Parsed> {
        let site = Site::find(&self.syntax(), edit)?;
        self.sites_reparsed(vec![(site, edit, inserted)], new_text)
    }

    /// This tree with each site (in order, apart, with the edit inside it and the length
    /// of what replaced it) parsed again from `new_text` and put in its place. A single
    /// site may keep new syntax errors, parsing on to its closing token when they run
    /// past its end; several must parse without errors.
    fn sites_reparsed(
        &self,
        sites: Vec<(Site, TextRange, usize)>,
        new_text: &str,
    ) -> Option<Parsed> {
        if !self.errors.is_empty() {
            return None;
        }
        let single = sites.len() == 1;
        let mut grown = 0isize;
        let mut errors = vec![];
        let mut splices = Vec::with_capacity(sites.len());
        for (mut site, edit, inserted) in sites {
            let new_range = |site: &Site| {
                let start = usize::from(site.range.start()).checked_add_signed(grown)?;
                Some(
                    start
                        ..start + usize::from(site.range.len()) + inserted
                            - usize::from(edit.len()),
                )
            };
            let parsed = match site.parse(new_text.get(new_range(&site)?)?) {
                Some(parsed) if parsed.errors.is_empty() => parsed,
                Some(parsed) if single && site.children.end == site.close => parsed,
                // How the parser recovers from an error depends on what follows: parse on
                // to the closing token, unless that is so far that a failure would cost
                // much.
                _ if single && site.children.end != site.close => {
                    site.extend_to_close();
                    let range = new_range(&site)?;
                    if range.len() > (new_text.len() / 4).max(4096) {
                        return None;
                    }
                    site.parse(new_text.get(range)?)?
                }
                _ => return None,
            };
            let deepest = parsed
                .children
                .iter()
                .filter_map(NodeOrToken::as_node)
                .map(|n| super::hollow::deepest(n))
                .max();
            if site.parent.ancestors().count() + 1 + deepest.unwrap_or(0) >= RNIX_DEPTH_LIMIT {
                return None;
            }
            let start = new_range(&site)?.start;
            let at = |r: TextRange| Some(r + TextSize::try_from(start).ok()?);
            errors.extend(parsed.errors.iter().map(|e| moved(e, at)));
            grown += inserted as isize - usize::from(edit.len()) as isize;
            splices.push(Splice {
                parent_at: site.parent.text_range().start(),
                parent: site.parent.green().to_owned(),
                children: site.children,
                new: parsed.children,
            });
        }
        Some(Parsed {
            green: spliced(&self.green, 0.into(), &splices)?,
            errors: errors.into_iter().collect::<Option<_>>()?,
        })
    }
}

/// A run of a node's children and what replaces it.
struct Splice {
    /// The node, by where it starts in the old text and its green node.
    parent_at: TextSize,
    parent: GreenNode,
    children: Range<usize>,
    new: Vec<Green>,
}

/// `node` (at `at` in the old text) with the splices in it made (in order, apart); `None`
/// when a set is left without bindings: an empty set parses as a function's pattern when
/// `:` or `@` follows it, which the bindings alone cannot tell.
fn spliced(node: &GreenNodeData, at: TextSize, splices: &[Splice]) -> Option<GreenNode> {
    if splices.is_empty() {
        return Some(node.to_owned());
    }
    let own = |s: &Splice| s.parent_at == at && std::ptr::eq(&*s.parent, node);
    let old: Vec<_> = node.children().collect();
    let mut children = Vec::with_capacity(old.len());
    let (mut rest, mut offset, mut i) = (splices, at, 0);
    while i < old.len() {
        if let Some(splice) = rest.first().filter(|s| own(s) && s.children.start == i) {
            children.extend(splice.new.iter().cloned());
            offset += old[i..splice.children.end]
                .iter()
                .map(|c| c.text_len())
                .sum::<TextSize>();
            (rest, i) = (&rest[1..], splice.children.end);
            continue;
        }
        let child_at = offset;
        offset += old[i].text_len();
        children.push(match old[i] {
            NodeOrToken::Node(n) => {
                // The splices in this child's nodes.
                let inside = rest.partition_point(|s| !own(s) && s.parent_at < offset);
                let (these, after) = rest.split_at(inside);
                rest = after;
                NodeOrToken::Node(spliced(n, child_at, these)?)
            }
            NodeOrToken::Token(t) => NodeOrToken::Token(t.to_owned()),
        });
        i += 1;
    }
    if !rest.is_empty() {
        return None;
    }
    if rnix::NixLanguage::kind_from_raw(node.kind()) == SyntaxKind::NODE_ATTR_SET
        && splices.iter().any(own)
        && !children.iter().any(|c| c.as_node().is_some())
    {
        return None;
    }
    Some(GreenNode::new(node.kind(), children))
}

/// rnix's parse of a file's text, with a byte order mark read as three spaces.
pub(super) fn parse(text: &str) -> rnix::Parse<rnix::Root> {
    rnix::Root::parse(&unmarked(text))
}

/// A file's text with a byte order mark replaced by three spaces (the same length), which
/// rnix reads as blank space.
fn unmarked(text: &str) -> Cow<'_, str> {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => Cow::Owned(format!("   {rest}")),
        None => Cow::Borrowed(text),
    }
}

/// A run of a node's children that parses alike on its own: the text around it, and how
/// it lexes, is unchanged by an edit inside it.
struct Site {
    parent: SyntaxNode,
    /// Which of `parent`'s children (nodes and tokens) are parsed again.
    children: Range<usize>,
    /// Their text in the old tree.
    range: TextRange,
    /// Where `children` end when they reach the parent's closing token (`}`, `in` or
    /// `]`); a pattern's run, the whole pattern, always does.
    close: usize,
    /// The text around the run that makes it parse as in `parent`.
    wrapper: Wrapper,
    /// For a run of a list's elements with an element after it: the old element the run
    /// ends with, which must end it again. A function would take in the elements after it
    /// as its body's arguments (`[ a x: b c ]` holds `a` and `x: b c`).
    last_element: Option<GreenNode>,
}

/// How a run is parsed on its own: between `open` and `close`, in a node of `kind`.
#[derive(Clone, Copy)]
struct Wrapper {
    open: &'static str,
    close: &'static str,
    kind: SyntaxKind,
    close_token: SyntaxKind,
}

/// A run parsed on its own.
struct Reparsed {
    children: Vec<Green>,
    /// Errors, at offsets in the run.
    errors: Vec<ParseError>,
}

type Green = NodeOrToken<GreenNode, GreenToken>;

impl Site {
    /// The innermost site around `edit` in the tree under `root`.
    fn find(root: &SyntaxNode, edit: TextRange) -> Option<Site> {
        if !root.text_range().contains_range(edit) {
            return None;
        }
        match root.covering_element(edit) {
            NodeOrToken::Node(n) => n,
            NodeOrToken::Token(t) => t.parent()?,
        }
        .ancestors()
        .find_map(|n| Site::around(n, edit))
    }

    /// The site of `node` for an edit inside it: the bindings of a set or `let` that the
    /// edit touches, with the comments and whitespace between them (from the end of the
    /// binding before to the start of the binding after); the elements of a list that it
    /// touches and one more on each side (an element before could go on into new text,
    /// `a.b` `or c`, one after could be taken in); a function's pattern; or the comments
    /// and blank space before or after a file's expression.
    fn around(node: SyntaxNode, edit: TextRange) -> Option<Site> {
        use SyntaxKind::*;
        let (open, close, wrapper, margin) = match node.kind() {
            NODE_ATTR_SET => (TOKEN_L_BRACE, TOKEN_R_BRACE, Wrapper::SET, 0),
            NODE_LET_IN => (TOKEN_LET, TOKEN_IN, Wrapper::LET, 0),
            NODE_LIST => (TOKEN_L_BRACK, TOKEN_R_BRACK, Wrapper::LIST, 1),
            NODE_PATTERN => (TOKEN_L_BRACE, TOKEN_R_BRACE, Wrapper::PATTERN, 0),
            NODE_ROOT => return Site::around_the_expression(node, edit),
            _ => return None,
        };
        let children: Vec<SyntaxElement> = node.children_with_tokens().collect();
        let open = children.iter().position(|c| c.kind() == open)?;
        let close = open + children[open..].iter().position(|c| c.kind() == close)?;
        let range = |i: usize| children[i].text_range();
        let (after_open, before_close) = (range(open).end(), range(close).start());
        // An identifier typed against `let` or `in` would join it.
        let inside = if node.kind() == NODE_LET_IN {
            after_open < edit.start() && edit.end() < before_close
        } else {
            after_open <= edit.start() && edit.end() <= before_close
        };
        if !inside {
            return None;
        }
        if node.kind() == NODE_PATTERN {
            let at = node.index();
            let parent = node.parent()?;
            return Some(Site {
                range: node.text_range(),
                close: at + 1,
                children: at..at + 1,
                parent,
                wrapper,
                last_element: None,
            });
        }
        // The members (bindings or elements) wholly before and wholly after the edit.
        let members: Vec<usize> = (open + 1..close)
            .filter(|&i| children[i].as_node().is_some())
            .collect();
        let before = members.partition_point(|&i| range(i).end() < edit.start());
        let after = members.partition_point(|&i| range(i).start() <= edit.end());
        let first = before
            .checked_sub(1 + margin)
            .map_or(open + 1, |k| members[k] + 1);
        let last = members.get(after + margin).copied().unwrap_or(close);
        let last_element = (margin > 0 && last != close)
            .then(|| children[members[after + margin - 1]].as_node())
            .flatten()
            .map(|n| n.green().to_owned());
        Some(Site {
            range: TextRange::new(range(first - 1).end(), range(last).start()),
            children: first..last,
            close,
            parent: node,
            wrapper,
            last_element,
        })
    }

    /// The comments and blank space before or after a file's expression, for an edit among
    /// them that leaves whitespace next to the expression.
    fn around_the_expression(root: SyntaxNode, edit: TextRange) -> Option<Site> {
        let children: Vec<SyntaxElement> = root.children_with_tokens().collect();
        let expression = children.iter().position(|c| c.as_node().is_some())?;
        let at = children[expression].text_range();
        let space = |i: Option<usize>| {
            i.and_then(|i| children.get(i))
                .is_some_and(|c| c.kind() == SyntaxKind::TOKEN_WHITESPACE)
        };
        let (run, wrapper) = if edit.end() < at.start() && space(expression.checked_sub(1)) {
            (0..expression, Wrapper::BEFORE)
        } else if at.end() < edit.start() && space(Some(expression + 1)) {
            (expression + 1..children.len(), Wrapper::AFTER)
        } else {
            return None;
        };
        Some(Site {
            range: TextRange::new(
                children[run.start].text_range().start(),
                children[run.end - 1].text_range().end(),
            ),
            close: run.end,
            children: run,
            parent: root,
            wrapper,
            last_element: None,
        })
    }

    /// Extends the run to the parent's closing token.
    fn extend_to_close(&mut self) {
        let close = self.parent.children_with_tokens().nth(self.close);
        let end = close.map_or(self.range.end(), |c| c.text_range().start());
        self.range = TextRange::new(self.range.start(), end);
        self.children.end = self.close;
        self.last_element = None;
    }

    /// The children and errors that `text`, the run's new text, parses to in the
    /// wrapper: when the wrapper's node ends the run with its closing token (no error ran
    /// on past it, as then it would in the file too) and no token joins the run's text
    /// to the wrapper's.
    fn parse(&self, text: &str) -> Option<Reparsed> {
        use rnix::ParseError as E;
        let w = self.wrapper;
        // `let` joins an identifier after it but not whitespace, which joins whitespace.
        let open = if w.open == "let" && !text.starts_with(char::is_whitespace) {
            "let "
        } else {
            w.open
        };
        let parse = rnix::Root::parse(&format!("{open}{text}{}", w.close));
        let runs_on = |e: &E| {
            matches!(
                e,
                E::UnexpectedEOF
                    | E::UnexpectedEOFWanted(_)
                    | E::UnexpectedExtra(_)
                    | E::RecursionLimitExceeded
            )
        };
        if parse.errors().iter().any(runs_on) {
            return None;
        }
        let top = match w.kind {
            SyntaxKind::NODE_ROOT => Some(parse.syntax()),
            _ => parse.syntax().first_child(),
        }
        .filter(|n| n.kind() == w.kind)?;
        let run = TextRange::at(TextSize::of(open), TextSize::of(text));
        let closes = w.close.is_empty()
            || top
                .children_with_tokens()
                .any(|c| c.kind() == w.close_token && c.text_range().start() == run.end());
        let inner: Vec<SyntaxElement> = top
            .children_with_tokens()
            .filter(|c| run.contains_range(c.text_range()))
            .collect();
        let covered: TextSize = inner.iter().map(|c| c.text_range().len()).sum();
        // A pattern's text must still parse as a pattern, not a set before the `:`; the
        // text around a file's expression, as comments and blank space.
        let shaped = match w.kind {
            SyntaxKind::NODE_LAMBDA => {
                matches!(&inner[..], [c] if c.kind() == SyntaxKind::NODE_PATTERN)
            }
            SyntaxKind::NODE_ROOT => inner.iter().all(|c| c.kind().is_trivia()),
            _ => true,
        };
        let children: Vec<Green> = inner.iter().map(green).collect();
        let ends = self.last_element.as_ref().is_none_or(|element| {
            children.iter().rev().find_map(NodeOrToken::as_node) == Some(element)
        });
        if !closes || !shaped || !ends || covered != run.len() || !balanced(&children) {
            return None;
        }
        let errors = parse.errors().iter().map(|e| {
            moved(e, |r| {
                run.contains_range(r)
                    .then(|| r.checked_sub(run.start()))
                    .flatten()
            })
        });
        Some(Reparsed {
            children,
            errors: errors.collect::<Option<_>>()?,
        })
    }
}

impl Wrapper {
    const SET: Wrapper = Wrapper::new(
        "{",
        "}",
        SyntaxKind::NODE_ATTR_SET,
        SyntaxKind::TOKEN_R_BRACE,
    );
    const LET: Wrapper = Wrapper::new("let", "in _", SyntaxKind::NODE_LET_IN, SyntaxKind::TOKEN_IN);
    const LIST: Wrapper = Wrapper::new("[", "]", SyntaxKind::NODE_LIST, SyntaxKind::TOKEN_R_BRACK);
    /// Before or after a file's expression, which `_` stands for.
    const BEFORE: Wrapper = Wrapper::new("", "_", SyntaxKind::NODE_ROOT, SyntaxKind::NODE_IDENT);
    const AFTER: Wrapper = Wrapper::new("_", "", SyntaxKind::NODE_ROOT, SyntaxKind::NODE_IDENT);
    const PATTERN: Wrapper =
        Wrapper::new("", ": _", SyntaxKind::NODE_LAMBDA, SyntaxKind::TOKEN_COLON);

    const fn new(
        open: &'static str,
        close: &'static str,
        kind: SyntaxKind,
        close_token: SyntaxKind,
    ) -> Wrapper {
        Wrapper {
            open,
            close,
            kind,
            close_token,
        }
    }
}

/// Whether the strings, interpolations and braces that `run` opens it also closes: the
/// lexer then leaves it as it entered it. (A parse without errors closes them all; an
/// error may leave one open, and the lexer reads what follows in it, as a string or an
/// interpolation.)
fn balanced(run: &[Green]) -> bool {
    use SyntaxKind::*;
    let mut open = vec![];
    let mut todo: Vec<_> = run
        .iter()
        .rev()
        .map(|c| match c {
            NodeOrToken::Node(n) => NodeOrToken::Node(&**n),
            NodeOrToken::Token(t) => NodeOrToken::Token(&**t),
        })
        .collect();
    while let Some(element) = todo.pop() {
        let token = match element {
            NodeOrToken::Node(n) => {
                todo.extend(n.children().rev());
                continue;
            }
            NodeOrToken::Token(t) => rnix::NixLanguage::kind_from_raw(t.kind()),
        };
        let closes = match token {
            TOKEN_STRING_START | TOKEN_INTERPOL_START | TOKEN_L_BRACE => {
                open.push(token);
                continue;
            }
            TOKEN_STRING_END => TOKEN_STRING_START,
            TOKEN_INTERPOL_END => TOKEN_INTERPOL_START,
            TOKEN_R_BRACE => TOKEN_L_BRACE,
            _ => continue,
        };
        if open.pop() != Some(closes) {
            return false;
        }
    }
    open.is_empty()
}

/// `error` with its range mapped by `to`; `None` when `to` maps it nowhere, or for an
/// error without a range.
pub(super) fn moved(
    error: &ParseError,
    to: impl Fn(TextRange) -> Option<TextRange>,
) -> Option<ParseError> {
    use rnix::ParseError as E;
    Some(match error {
        E::Unexpected(r) => E::Unexpected(to(*r)?),
        E::UnexpectedWanted(got, r, wanted) => E::UnexpectedWanted(*got, to(*r)?, wanted.clone()),
        E::UnexpectedDoubleBind(r) => E::UnexpectedDoubleBind(to(*r)?),
        E::DuplicatedArgs(r, name) => E::DuplicatedArgs(to(*r)?, name.clone()),
        _ => return None,
    })
}

fn green(element: &SyntaxElement) -> Green {
    match element {
        NodeOrToken::Node(n) => NodeOrToken::Node(n.green().to_owned()),
        NodeOrToken::Token(t) => NodeOrToken::Token(t.green().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `insert` at `range` and checks the reparse against a full parse; returns
    /// whether the reparse applied.
    fn check(text: &str, range: std::ops::Range<usize>, insert: &str) -> bool {
        let old = Parsed::new(text).unwrap();
        let mut new_text = text.to_string();
        new_text.replace_range(range.clone(), insert);
        let edit = TextRange::new((range.start as u32).into(), (range.end as u32).into());
        let full = Parsed::new(&new_text).unwrap();
        match old.reparse(edit, insert, &new_text) {
            Some(re) => {
                assert_eq!(re.green, full.green, "{new_text:?}");
                assert_eq!(re.errors, full.errors, "{new_text:?}");
                true
            }
            None => false,
        }
    }

    const MODULE: &str =
        "{ lib, ... }: {\n  a = { b = \"x\"; c = [ 1 2 ]; };\n  d = \"${toString 1}\";\n}\n";

    fn at(needle: &str) -> usize {
        MODULE.find(needle).unwrap()
    }

    #[test]
    fn edits_apart_reparsed_site_by_site_give_what_a_full_parse_gives() {
        let (mut texts, mut reparsed) = (0, 0);
        for text in crate::syntax::clean_testdata() {
            let old = Parsed::new(&text).unwrap();
            for (from, to) in [
                ("pkgs.", "(pkgs)."),
                (" = ", " =  "),
                (";\n", "; x = 1;\n"),
                ("\"", "\"\""),
                ("[", "[ ]"),
                ("{", "{ {"),
                ("''", "'' ${"),
            ] {
                // Each occurrence is an edit; those that touch are one.
                let mut edits: Vec<(TextRange, usize)> = vec![];
                for (at, _) in text.match_indices(from) {
                    let range = TextRange::at((at as u32).into(), TextSize::of(from));
                    match edits.last_mut() {
                        Some((last, inserted)) if last.end() >= range.start() => {
                            *last = last.cover(range);
                            *inserted += to.len();
                        }
                        _ => edits.push((range, to.len())),
                    }
                }
                if edits.len() < 2 {
                    continue;
                }
                let new_text = text.replace(from, to);
                let full = Parsed::new(&new_text).unwrap();
                texts += usize::from(full.errors.is_empty());
                if let Some(re) = old.reparse_sites(&edits, &new_text) {
                    reparsed += usize::from(full.errors.is_empty());
                    assert!(re.green == full.green, "{from:?} → {to:?} in {text}");
                    assert_eq!(re.errors, full.errors, "{from:?} → {to:?} in {text}");
                }
            }
        }
        // Texts with errors are not reparsed: sites apart must each parse without errors.
        assert!(
            reparsed * 3 > texts * 2,
            "{reparsed} of {texts} texts without errors reparsed"
        );
    }

    #[test]
    fn edits_apart_are_put_in_place_at_once_where_their_sites_are() {
        let text = "{ lib, ... }: {\n  a = { b = \"x\"; c = [ 1 2 3 4 ]; };\n  \
                    d = [ e f g ];\n  h = 1;\n}\n";
        for edits in [
            // In an inner set, then in the outer one: two parents, one inside the other.
            &[("\"x\"", "\"y\""), ("h = 1", "h = 2")][..],
            // In the outer set, then in a list inside it.
            &[("a = {", "a2 = {"), ("1 2", "1 (2)")],
            // Elements side by side: the site of the second holds the first, one site.
            &[("1 ", "10 "), ("3 ", "30 ")],
            // In the pattern and in a list of the body.
            &[("lib,", "lib, pkgs,"), ("4 ]", "4 5 ]")],
            // Bindings added, and one taken out of a set that keeps others.
            &[("b = ", "b0 = 0; b = "), ("h = 1;", "")],
        ] {
            let old = Parsed::new(text).unwrap();
            let (mut new_text, mut apart, mut grown) = (text.to_string(), vec![], 0isize);
            for (from, to) in edits {
                let at = text.find(from).unwrap();
                let range = TextRange::at((at as u32).into(), TextSize::of(*from));
                let start = at.checked_add_signed(grown).unwrap();
                new_text.replace_range(start..start + from.len(), to);
                grown += to.len() as isize - from.len() as isize;
                apart.push((range, to.len()));
            }
            let full = Parsed::new(&new_text).unwrap();
            let re = old.reparse_sites(&apart, &new_text).expect(&new_text);
            assert!(re.green == full.green, "{new_text:?}");
            assert_eq!(re.errors, full.errors);
            // A list no edit touches is the old tree's.
            let list = |tree: &Parsed| {
                let list = tree.syntax().descendants();
                list.filter(|n| n.text() == "[ e f g ]")
                    .map(|n| n.green().to_owned())
                    .next()
            };
            assert!(std::ptr::eq(&*list(&re).unwrap(), &*list(&old).unwrap()));
        }
    }

    #[test]
    fn edits_inside_a_block_reparse_only_the_block() {
        let x = at("x\"");
        assert!(check(MODULE, x..x + 1, "y z"));
        assert!(check(MODULE, x..x, "k8s-"));
        let two = at("2 ]");
        assert!(check(MODULE, two..two + 1, "[ 3 ] 4"));
        let c = at("c =");
        assert!(check(MODULE, c..c, "e = { }; "));
        // Inside a string, inside an interpolation: the module's body is reparsed.
        let d = at("toString 1");
        assert!(check(MODULE, d..d + 8, "builtins.toString"));
    }

    #[test]
    fn edits_that_a_block_alone_cannot_decide_parse_fully() {
        // Touches the set's braces.
        let open = at("{ b");
        assert!(!check(MODULE, open..open + 1, "("));
        // Leaves a string or an interpolation open, which runs on past the set.
        let x = at("x\"");
        assert!(!check(MODULE, x..x + 1, "\""));
        assert!(!check(MODULE, x..x, "${"));
        // An empty set may be a pattern, depending on what follows it.
        let inner = at("b = \"x\"; c = [ 1 2 ]; ");
        assert!(!check(
            MODULE,
            inner..inner + "b = \"x\"; c = [ 1 2 ]; ".len(),
            ""
        ));
        // Outside any set, list or pattern: the function's `:`.
        let colon = at(": {");
        assert!(!check(MODULE, colon..colon + 1, ":x"));
    }

    #[test]
    fn edits_inside_a_pattern_reparse_only_the_pattern() {
        let lib = at("lib");
        assert!(check(MODULE, lib..lib + 3, "pkgs"));
        assert!(check(MODULE, lib..lib, "config, "));
        let bound = "args@{ a ? 1 }: a";
        assert!(check(bound, 11..12, "2"));
        assert_eq!(site(bound, 11), bound.trim_end_matches(": a"));
        // A string left open runs on past the pattern: parsed in full.
        assert!(!check(MODULE, lib..lib, "x ? \""));
    }

    #[test]
    fn edits_inside_a_binding_reparse_only_the_binding() {
        let text =
            "let\n  pki = \"/var/lib/pki\";\n  n = 1;\n  inherit (lib) mkIf;\nin { a = pki; }\n";
        let at = |needle: &str| text.find(needle).unwrap();
        let v = at("/var");
        assert!(check(text, v..v, "x"));
        assert!(check(text, v..v + 4, "${toString n}"));
        let one = at("1;");
        assert!(check(text, one..one + 1, "{ x = 2; }"));
        let name = at("ki =");
        assert!(check(text, name..name + 2, "ath"));
        let mk = at("mkIf");
        assert!(check(text, mk..mk, "mkMerge "));
        let p = at("pki");
        assert!(check(text, p..p, "x"));
        // Removes the binding's `;`: the `let` is parsed on to `in`.
        let semi = at(";\n  n");
        assert!(check(text, semi..semi + 1, ""));
        // Swallows what follows: a string or comment left open.
        assert!(!check(text, v..v, "\""));
        assert!(!check(text, one..one + 1, "1 /*"));
    }

    /// The old text that an edit at `at` parses again.
    fn site(text: &str, at: usize) -> &str {
        let old = Parsed::new(text).unwrap();
        let edit = TextRange::empty((at as u32).into());
        let site = match old.syntax().covering_element(edit) {
            NodeOrToken::Node(n) => n,
            NodeOrToken::Token(t) => t.parent().unwrap(),
        }
        .ancestors()
        .find_map(|n| Site::around(n, edit))
        .unwrap();
        &text[site.range]
    }

    #[test]
    fn edits_between_bindings_reparse_the_bindings_around_them() {
        let text = "let\n  a = 1;\n  # b\n  b = 2;\n  c = 3;\nin { x = a; y = b; }\n";
        let at = |needle: &str| text.find(needle).unwrap();
        // From the end of the binding before to the start of the binding after.
        assert_eq!(site(text, at("# b")), "\n  # b\n  ");
        assert_eq!(site(text, at("= 2")), "\n  # b\n  b = 2;\n  ");
        assert_eq!(site(text, at("b = 2")), "\n  # b\n  b = 2;\n  ");
        assert_eq!(site(text, at("\nin")), "\n  c = 3;\n");
        assert_eq!(site(text, at("y =")), " y = b; ");
        let gap = at("  # b");
        assert!(check(text, gap..gap, "  d = 4;\n"));
        assert!(check(text, gap..gap + 6, ""));
        assert!(check(text, gap..gap, "inherit (lib) mkIf; "));
        // Leaves a binding open: the `let` is parsed on to `in`.
        assert!(check(text, gap..gap, "d = "));
        // Joins `in` or `let`, or ends the `let` early: parsed in full.
        let end = at("in {");
        assert!(!check(text, end - 1..end, "x"));
        assert!(!check(text, 3..3, "x"));
        assert!(!check(text, gap..gap, "in "));
    }

    #[test]
    fn edits_in_a_list_reparse_the_elements_around_them_and_one_more() {
        let text = "[ a.b c d e f ]";
        assert_eq!(site(text, text.find('d').unwrap()), " c d e ");
        assert_eq!(site(text, 1), " a.b ");
        let d = text.find('d').unwrap();
        assert!(check(text, d..d + 1, "(x y) \"z\""));
        assert!(check(text, d..d, "or "));
        // Goes on from the element before: `c.x` takes `or` in.
        assert!(check("[ a c.x d e ]", 8..8, "or "));
        // An interpolation left open takes in the rest of the file: parsed in full.
        assert!(!check(text, d..d, "${"));
        // A function takes in every element after it as its body's arguments, past the
        // one more (`x: c d e f` is one element): the run goes on to the `]`.
        assert!(check(text, 2..5, "a.b x:"));
        assert!(check(text, 2..5, "(x: a.b)"));
    }

    #[test]
    fn errors_that_end_inside_their_set_or_list_are_reparsed_with_them() {
        let text = "let\n  a = 1;\n  b = [ 1 2 ];\n  inherit (lib) mkIf;\nin { x = a; y = b; }\n";
        let at = |needle: &str| text.find(needle).unwrap();
        let reparsed = |range: std::ops::Range<usize>, insert: &str| {
            let mut new_text = text.to_string();
            new_text.replace_range(range.clone(), insert);
            let edit = TextRange::new((range.start as u32).into(), (range.end as u32).into());
            let re = Parsed::new(text).unwrap().reparse(edit, insert, &new_text);
            assert!(check(text, range, insert), "{new_text:?}");
            re.unwrap().errors
        };
        // Without its `;`, `a = 1` runs on to the next `;`, still before `in`.
        let semi = at(";\n  b");
        assert!(!reparsed(semi..semi + 1, "").is_empty());
        let two = at("2 ]");
        assert!(!reparsed(two..two, "= ").is_empty());
        // Left open, a set runs on past `in` and `}`: parsed in full.
        assert!(!check(text, two..two, "{ "));
    }

    #[test]
    fn edits_in_comments_before_or_after_the_expression_reparse_only_those() {
        let text = "# cp1: the control plane\n\n{ a = 1; }\n# end\n";
        let c = text.find("control").unwrap();
        assert_eq!(site(text, c), "# cp1: the control plane\n\n");
        assert!(check(text, c..c + 7, "only"));
        assert!(check(text, c + 7..c + 7, "\n# more"));
        let end = text.find("end").unwrap();
        assert_eq!(site(text, end), "\n# end\n");
        assert!(check(text, end..end + 3, "fin"));
        assert!(check(text, text.len()..text.len(), "\n"));
        // Not a comment, or no longer apart from the expression: parsed in full.
        assert!(!check(text, end - 2..end - 2, "x"));
        assert!(!check(text, 0..0, "{"));
        let gap = text.find("\n\n{").unwrap();
        assert!(!check(text, gap + 1..gap + 2, ""));
    }

    #[test]
    fn a_tree_with_errors_is_parsed_again_in_full() {
        let text = "{ a = { b = 1; }; c = ; }";
        let old = Parsed::new(text).unwrap();
        let at = text.find('1').unwrap() as u32;
        let edit = TextRange::new(at.into(), (at + 1).into());
        assert!(
            old.reparse(edit, "2", &text.replacen('1', "2", 1))
                .is_none()
        );
    }
}
