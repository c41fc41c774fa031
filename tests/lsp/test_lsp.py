"""End-to-end tests of `nixk8s-lint lsp` over stdio, with a UTF-16 (VS Code) and a UTF-8
(Neovim 0.11) client; see conftest.py."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as t
from pygls.exceptions import JsonRpcMethodNotFound
from pytest_lsp import LanguageClient

from conftest import FIXTURES, apply_edits, cli_fix, edits_of, find_range

KUBELET = "kubelet-path-missing-mount"
MDNS = "mdns-hostname"
FIX_ALL = "source.fixAll.nixk8s-lint"


def by_rule(diags: list[t.Diagnostic]) -> dict[str, t.Diagnostic]:
    out = {}
    for d in diags:
        assert d.code not in out, f"two {d.code} findings"
        out[d.code] = d
    return out


def titled(actions: list[t.CodeAction], title: str) -> t.CodeAction:
    for a in actions:
        if a.title == title:
            return a
    raise AssertionError(f"no action {title!r} in {[a.title for a in actions]}")


async def test_initialize_negotiates_encoding_and_capabilities(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.position_encoding == client.encoding
    sync = caps.text_document_sync
    assert sync.change == t.TextDocumentSyncKind.Incremental
    assert sync.open_close is True
    assert sync.save in (True, t.SaveOptions(include_text=None)) or sync.save
    kinds = caps.code_action_provider.code_action_kinds
    assert t.CodeActionKind.QuickFix in kinds and FIX_ALL in kinds
    assert client.init_result.server_info.name == "nixk8s-lint"


async def test_dynamic_watchers_registered_only_when_supported(client: LanguageClient):
    # VS Code's capabilities allow dynamic registration of file watchers, Neovim 0.11's do not.
    await asyncio.sleep(0.2)
    if client.encoding == "utf-16":
        (reg,) = client.registrations
        assert reg.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES
        globs = sorted(w["globPattern"] for w in reg.register_options["watchers"])
        assert globs == ["**/.nixk8s-lint.toml", "**/nixk8s-lint.toml"]
    else:
        assert client.registrations == []


async def test_open_publishes_diagnostics_at_the_right_ranges(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    diags = by_rule(await doc.opened())
    assert set(diags) == {KUBELET, MDNS}

    kubelet = diags[KUBELET]
    assert kubelet.range == find_range(doc.text, "with pkgs; [ iptables ]", doc.enc)
    assert kubelet.severity == t.DiagnosticSeverity.Error
    assert kubelet.source == "nixk8s-lint"
    assert kubelet.code_description.href.endswith(f"docs/rules.md#{KUBELET}")
    assert "util-linux" in kubelet.message

    # Same line as "☸ 😀": U+1F600 is 2 UTF-16 units and 4 UTF-8 bytes.
    mdns = diags[MDNS]
    assert mdns.range == find_range(doc.text, "cp.local", doc.enc)
    expected_col = {"utf-16": 67 + 1, "utf-8": 67 + 2 + 3}[doc.enc]  # ☸ is 1 unit / 3 bytes
    assert mdns.range.start.character == expected_col
    assert mdns.severity == t.DiagnosticSeverity.Warning
    assert mdns.code_description.href.endswith(f"docs/rules.md#{MDNS}")


async def test_publish_carries_the_document_version(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    doc.version = 7
    mark = doc.open()
    p = await client.published.wait(doc.uri, since=mark)
    assert p.version == 7


async def test_related_information_for_secondary_labels(client: LanguageClient, open_doc):
    doc = open_doc("related.nix")
    (d,) = await doc.opened()
    assert d.code == MDNS
    assert d.range == find_range(doc.text, "cp.local", doc.enc)
    (rel,) = d.related_information
    assert rel.location.uri == doc.uri
    # The secondary label: the option the value is used as.
    assert rel.location.range == find_range(doc.text, "masterAddress", doc.enc)
    assert "used as" in rel.message


async def test_incremental_edits_fix_the_pitfalls_and_clear_diagnostics(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    assert {d.code for d in await doc.opened()} == {KUBELET, MDNS}

    # Type util-linux into the list, in two keystroke-like changes in one didChange.
    at = find_range(doc.text, " ]", doc.enc).start
    step1 = t.TextEdit(range=t.Range(start=at, end=at), new_text=" util-")
    after = t.Position(line=at.line, character=at.character + len(" util-"))
    step2 = t.TextEdit(range=t.Range(start=after, end=after), new_text="linux")
    diags = await doc.changed([step1, step2])
    assert "[ iptables util-linux ]" in doc.text
    assert [d.code for d in diags] == [MDNS]
    # The remaining finding moved with nothing: its range is unchanged.
    assert diags[0].range == find_range(doc.text, "cp.local", doc.enc)

    # Replace `.local` after the emoji: the incoming range is in the negotiated encoding.
    rng = find_range(doc.text, ".local", doc.enc)
    diags = await doc.changed([t.TextEdit(range=rng, new_text=".internal")])
    assert 'masterAddress = "cp.internal"' in doc.text
    assert diags == []


async def test_edit_before_a_finding_moves_its_range(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    # Insert another emoji before the finding on its line and a line above it.
    rng = find_range(doc.text, "welcome", doc.enc)
    diags = await doc.changed(
        [
            t.TextEdit(range=t.Range(start=rng.start, end=rng.start), new_text="🚀 "),
            t.TextEdit(range=t.Range(start=t.Position(line=1, character=0), end=t.Position(line=1, character=0)), new_text="  # 𝔘𝔫𝔦𝔠𝔬𝔡𝔢\n"),
        ]
    )
    d = by_rule(diags)
    assert d[MDNS].range == find_range(doc.text, "cp.local", doc.enc)
    assert d[KUBELET].range == find_range(doc.text, "with pkgs; [ iptables ]", doc.enc)


async def test_full_text_change_is_accepted(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    doc.version += 1
    mark = client.published.mark()
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text="{ }\n")],
        )
    )
    p = await client.published.wait(doc.uri, version=doc.version, since=mark)
    assert list(p.diagnostics) == []


async def test_rapid_changes_end_with_the_last_version(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    at = find_range(doc.text, "welcome", doc.enc).end
    for ch in "!!!!!":
        doc.change([t.TextEdit(range=t.Range(start=at, end=at), new_text=ch)])
        at = t.Position(line=at.line, character=at.character + 1)
    p = await client.published.wait(doc.uri, version=doc.version)
    assert {d.code for d in p.diagnostics} == {KUBELET, MDNS}
    await asyncio.sleep(0.3)
    last = [q for q in client.published.items if q.uri == doc.uri][-1]
    assert last.version == doc.version
    versions = [q.version for q in client.published.items if q.uri == doc.uri]
    assert versions == sorted(versions), "diagnostics published out of order"


async def test_code_actions_on_a_finding(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    diags = by_rule(await doc.opened())
    kubelet = diags[KUBELET]
    actions = await doc.actions(kubelet.range, [kubelet])
    titles = [a.title for a in actions]
    assert titles[:3] == [
        "Fix: add `util-linux` to `path`",
        f"Ignore {KUBELET} on this line",
        f"Ignore {KUBELET} in this file",
    ], titles
    fix = actions[0]
    assert fix.kind == t.CodeActionKind.QuickFix
    assert fix.is_preferred is True
    assert [d.code for d in fix.diagnostics] == [KUBELET]
    assert all(not a.is_preferred for a in actions[1:])

    expected = doc.text.replace("[ iptables ]", "[ iptables util-linux ]")
    assert apply_edits(doc.text, edits_of(fix, doc.uri), doc.enc) == expected
    assert [d.code for d in await doc.apply(fix)] == [MDNS]
    assert doc.text == expected


async def test_unsafe_fix_on_the_emoji_line(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    mdns = by_rule(await doc.opened())[MDNS]
    # A cursor (empty range) inside the finding asks about it too.
    inside = t.Position(line=mdns.range.start.line, character=mdns.range.start.character + 2)
    actions = await doc.actions(t.Range(start=inside, end=inside), [mdns])
    fix = titled(actions, "Fix (unsafe, review it): replace `.local` with `.internal`")
    assert not fix.is_preferred
    assert fix.kind == t.CodeActionKind.QuickFix
    expected = doc.text.replace('"cp.local"', '"cp.internal"')
    assert apply_edits(doc.text, edits_of(fix, doc.uri), doc.enc) == expected
    assert [d.code for d in await doc.apply(fix)] == [KUBELET]


async def test_code_actions_elsewhere_offer_no_quickfix(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    diags = await doc.opened()
    nowhere = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=1))
    actions = await doc.actions(nowhere, [], only=[t.CodeActionKind.QuickFix])
    assert actions == []
    # Without `only`, the file-wide fix-all is still offered.
    kinds = [a.kind for a in await doc.actions(nowhere, [])]
    assert kinds == [FIX_ALL]
    assert len(diags) == 2


async def test_fix_all(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    whole = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0))
    # VS Code asks for `source.fixAll` on save; the server's kind is below it.
    actions = await doc.actions(whole, [], only=[t.CodeActionKind.SourceFixAll])
    (fix_all,) = actions
    assert fix_all.kind == FIX_ALL
    expected = cli_fix(doc.text)
    assert "util-linux" in expected and "cp.local" in expected  # the mdns fix is unsafe
    assert apply_edits(doc.text, edits_of(fix_all, doc.uri), doc.enc) == expected
    assert [d.code for d in await doc.apply(fix_all)] == [MDNS]
    # Nothing safe left to fix: no fix-all.
    assert await doc.actions(whole, [], only=[FIX_ALL]) == []


async def test_ignore_on_this_line(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    mdns = by_rule(await doc.opened())[MDNS]
    action = titled(await doc.actions(mdns.range, [mdns]), f"Ignore {MDNS} on this line")
    assert action.kind == t.CodeActionKind.QuickFix
    diags = await doc.apply(action)
    assert f"  # nixk8s-lint: ignore[{MDNS}]\n  users.motd" in doc.text
    assert [d.code for d in diags] == [KUBELET]


async def test_ignore_in_this_file(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    kubelet = by_rule(await doc.opened())[KUBELET]
    action = titled(await doc.actions(kubelet.range, [kubelet]), f"Ignore {KUBELET} in this file")
    diags = await doc.apply(action)
    assert doc.text.startswith(f"# nixk8s-lint: ignore-file[{KUBELET}]\n{{ pkgs, ... }}:")
    assert [d.code for d in diags] == [MDNS]


async def test_close_publishes_an_empty_list(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    assert await doc.opened()
    mark = doc.close()
    p = await client.published.wait(doc.uri, since=mark)
    assert list(p.diagnostics) == []
    # Closed: code actions know nothing about it any more.
    assert await doc.actions(t.Range(start=t.Position(line=2, character=12), end=t.Position(line=2, character=12)), []) == []


async def test_save_relints(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    mark = client.published.mark()
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=doc.uri)))
    p = await client.published.wait(doc.uri, since=mark)
    assert {d.code for d in p.diagnostics} == {KUBELET, MDNS}
    assert p.version == doc.version


async def test_two_documents_are_independent(client: LanguageClient, open_doc):
    a = open_doc("planted.nix")
    b = open_doc("related.nix", as_name="sub/related.nix")
    assert len(await a.opened()) == 2
    assert [d.code for d in await b.opened()] == [MDNS]
    mark = a.close()
    await client.published.wait(a.uri, since=mark)
    diags = await b.changed([t.TextEdit(range=find_range(b.text, ".local", b.enc), new_text=".internal")])
    assert diags == []


async def test_untitled_document(client: LanguageClient):
    uri = "untitled:Untitled-1"
    mark = client.published.mark()
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="nix", version=1, text='{ services.kubernetes.masterAddress = "a.local"; }\n')
        )
    )
    p = await client.published.wait(uri, since=mark)
    assert [d.code for d in p.diagnostics] == [MDNS]


async def test_syntax_error_is_reported_and_not_fixed(client: LanguageClient, open_doc):
    doc = open_doc("broken.nix", text='{ services.kubernetes.masterAddress = "cp.local"; \n')
    diags = await doc.opened()
    codes = {d.code for d in diags}
    assert "syntax-error" in codes
    syntax = next(d for d in diags if d.code == "syntax-error")
    actions = await doc.actions(syntax.range, [syntax])
    assert not [a for a in actions if "syntax-error" in a.title]


# --- configuration -----------------------------------------------------------------------

CONFIG_OFF = '[rules.mdns-hostname]\nseverity = "off"\n'
CONFIG_ERROR = '[rules.mdns-hostname]\nseverity = "error"\n'


@pytest.mark.files({"nixk8s-lint.toml": CONFIG_OFF})
async def test_config_file_is_respected(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix", as_name="hosts/node1.nix")
    assert [d.code for d in await doc.opened()] == [KUBELET]


@pytest.mark.files({"nixk8s-lint.toml": CONFIG_OFF})
async def test_config_reloaded_on_did_change_watched_files(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix", as_name="hosts/node1.nix")
    assert [d.code for d in await doc.opened()] == [KUBELET]
    config = client.workspace / "nixk8s-lint.toml"
    config.write_text(CONFIG_ERROR)
    mark = client.published.mark()
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Changed)])
    )
    p = await client.published.wait(doc.uri, since=mark)
    d = by_rule(p.diagnostics)
    assert set(d) == {KUBELET, MDNS}
    assert d[MDNS].severity == t.DiagnosticSeverity.Error
    assert p.version == doc.version


@pytest.mark.files({"nixk8s-lint.toml": CONFIG_OFF})
async def test_config_reloaded_on_save_of_the_config_file(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix", as_name="hosts/node1.nix")
    assert [d.code for d in await doc.opened()] == [KUBELET]
    config = client.workspace / "nixk8s-lint.toml"
    config.write_text(CONFIG_ERROR)
    mark = client.published.mark()
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=config.as_uri())))
    p = await client.published.wait(doc.uri, since=mark)
    assert by_rule(p.diagnostics)[MDNS].severity == t.DiagnosticSeverity.Error


async def test_config_file_created_later_applies_to_the_nearest_documents(client: LanguageClient, open_doc):
    top = open_doc("planted.nix")
    sub = open_doc("planted.nix", as_name="sub/dir/node.nix")
    await top.opened()
    await sub.opened()
    config = client.workspace / "sub" / ".nixk8s-lint.toml"
    config.write_text(CONFIG_OFF)
    mark = client.published.mark()
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Created)])
    )
    p_sub = await client.published.wait(sub.uri, since=mark)
    p_top = await client.published.wait(top.uri, since=mark)
    assert [d.code for d in p_sub.diagnostics] == [KUBELET]
    assert {d.code for d in p_top.diagnostics} == {KUBELET, MDNS}


@pytest.mark.files({"nixk8s-lint.toml": "[rules.mdns-hostnme]\nseverity = \"off\"\n"})
async def test_invalid_config_is_a_diagnostic(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    diags = await doc.opened()
    assert [d.code for d in diags] == ["config-error"]
    assert diags[0].severity == t.DiagnosticSeverity.Error
    assert "mdns-hostnme" in diags[0].message
    # Fixing the config file brings the findings back.
    (client.workspace / "nixk8s-lint.toml").write_text(CONFIG_OFF)
    mark = client.published.mark()
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=(client.workspace / "nixk8s-lint.toml").as_uri(), type=t.FileChangeType.Changed)]
        )
    )
    p = await client.published.wait(doc.uri, since=mark)
    assert [d.code for d in p.diagnostics] == [KUBELET]


@pytest.mark.init_options({"ignore": [MDNS]})
async def test_init_options_ignore(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    assert [d.code for d in await doc.opened()] == [KUBELET]


@pytest.mark.init_options({"select": [MDNS], "severity": {MDNS: "info"}})
async def test_init_options_select_and_severity(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    (d,) = await doc.opened()
    assert d.code == MDNS
    assert d.severity == t.DiagnosticSeverity.Information


@pytest.mark.files({"nixk8s-lint.toml": CONFIG_OFF})
@pytest.mark.init_options({"severity": {MDNS: "error"}})
async def test_init_options_beat_the_config_file(client: LanguageClient, open_doc):
    # As on the command line, where --severity beats the configuration file.
    doc = open_doc("planted.nix")
    d = by_rule(await doc.opened())
    assert d[MDNS].severity == t.DiagnosticSeverity.Error


@pytest.mark.init_options({"debounceMs": 400})
async def test_init_options_debounce(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    loop = asyncio.get_running_loop()
    rng = find_range(doc.text, ".local", doc.enc)
    start = loop.time()
    await doc.changed([t.TextEdit(range=rng, new_text=".internal")])
    assert loop.time() - start >= 0.35


# --- protocol ----------------------------------------------------------------------------


async def test_unknown_request_is_method_not_found(client: LanguageClient):
    with pytest.raises(JsonRpcMethodNotFound):
        await asyncio.wait_for(client.protocol.send_request_async("nixk8s-lint/noSuchMethod", {}), 5)
    with pytest.raises(JsonRpcMethodNotFound):
        await asyncio.wait_for(
            client.text_document_hover_async(
                t.HoverParams(text_document=t.TextDocumentIdentifier(uri="file:///x.nix"), position=t.Position(line=0, character=0))
            ),
            5,
        )


async def test_unknown_notification_is_ignored(client: LanguageClient, open_doc):
    client.protocol.notify("nixk8s-lint/whatever", {"x": 1})
    client.protocol.notify(t.SET_TRACE, t.SetTraceParams(value=t.TraceValue.Verbose))
    doc = open_doc("planted.nix")
    assert len(await doc.opened()) == 2


async def test_change_for_an_unopened_document_is_ignored(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    doc.version = 2
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=doc.uri, version=2),
            content_changes=[t.TextDocumentContentChangePartial(range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0)), text="x")],
        )
    )
    doc.version = 1
    assert len(await doc.opened()) == 2


# --- more configuration and edge cases --------------------------------------------------------


@pytest.mark.files({"nixk8s-lint.toml": CONFIG_OFF})
async def test_config_file_deleted(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    assert [d.code for d in await doc.opened()] == [KUBELET]
    config = client.workspace / "nixk8s-lint.toml"
    config.unlink()
    mark = client.published.mark()
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Deleted)])
    )
    p = await client.published.wait(doc.uri, since=mark)
    assert {d.code for d in p.diagnostics} == {KUBELET, MDNS}


@pytest.mark.files({"nixk8s-lint.toml": 'exclude = ["vendor/**"]\n'})
async def test_excluded_file_gets_no_diagnostics(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix", as_name="vendor/upstream.nix")
    assert await doc.opened() == []


async def test_crlf_document(client: LanguageClient, open_doc):
    text = (FIXTURES / "planted.nix.in").read_text().replace("\n", "\r\n")
    doc = open_doc("crlf.nix", text=text)
    diags = by_rule(await doc.opened())
    # Ranges count characters on the line; the \r belongs to the line break.
    assert diags[MDNS].range == find_range(doc.text, "cp.local", doc.enc)
    whole = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0))
    (fix_all,) = await doc.actions(whole, [], only=[FIX_ALL])
    assert apply_edits(doc.text, edits_of(fix_all, doc.uri), doc.enc) == cli_fix(doc.text)
    await doc.apply(fix_all)
    mdns = by_rule(await doc.changed([]))[MDNS]
    ignore = titled(await doc.actions(mdns.range, [mdns]), f"Ignore {MDNS} on this line")
    assert [d.code for d in await doc.apply(ignore)] == []
    assert f"\r\n  # nixk8s-lint: ignore[{MDNS}]\r\n  users.motd" in doc.text
    assert "\n" not in doc.text.replace("\r\n", "")


async def test_only_kinds_are_hierarchical(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    kubelet = by_rule(await doc.opened())[KUBELET]
    assert await doc.actions(kubelet.range, [kubelet], only=["quick"]) == []
    assert await doc.actions(kubelet.range, [kubelet], only=["source.fix"]) == []


async def test_only_kinds_select(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    kubelet = by_rule(await doc.opened())[KUBELET]
    assert {a.kind for a in await doc.actions(kubelet.range, [kubelet], only=["quickfix"])} == {"quickfix"}
    assert {a.kind for a in await doc.actions(kubelet.range, [kubelet], only=["source"])} == {FIX_ALL}
    assert await doc.actions(kubelet.range, [kubelet], only=["refactor"]) == []


@pytest.mark.init_options({"ignore": ["no-such-rule"]})
async def test_init_options_unknown_rule_is_a_config_error(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    (d,) = await doc.opened()
    assert d.code == "config-error"
    assert "no-such-rule" in d.message


@pytest.mark.init_options({"ignore": ["no-such-rule"]})
async def test_init_options_error_points_at_the_init_options(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    (d,) = await doc.opened()
    assert "initializationOptions" in d.message
    assert "nixk8s-lint.toml" not in d.message


@pytest.mark.init_options({"ignore": [MDNS], "severity": {KUBELET: "fatal"}})
async def test_init_options_bad_level_is_reported_to_the_user(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    diags = await doc.opened()
    await asyncio.sleep(0.1)
    told = [m.message for m in client.messages + client.log_messages] + [d.message for d in diags]
    assert any("fatal" in m for m in told), told


async def test_position_inside_a_character(client: LanguageClient, open_doc):
    doc = open_doc("planted.nix")
    await doc.opened()
    # A position between the UTF-16 halves (or inside the UTF-8 bytes) of 😀 is not a
    # character boundary: the server moves it to the character's start, and must not crash.
    emoji = find_range(doc.text, "😀", doc.enc)
    mid = t.Position(line=emoji.start.line, character=emoji.start.character + 1)
    acts = await doc.actions(t.Range(start=mid, end=mid), [])
    assert [a.kind for a in acts] == [FIX_ALL]
    # An empty edit there leaves the text alone.
    doc.version += 1
    mark = client.published.mark()
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=[t.TextDocumentContentChangePartial(range=t.Range(start=mid, end=mid), text="")],
        )
    )
    p = await client.published.wait(doc.uri, version=doc.version, since=mark)
    assert by_rule(p.diagnostics)[MDNS].range == find_range(doc.text, "cp.local", doc.enc)


SUPPRESSIONS = """{
  networking.hostName = "a"; # nixk8s-lint: ignore[mdns-hostname]
  b = 1; # nixk8s-lint: ignore[no-such-rule]
}
"""
TOO_DEEP = "{ x = " + "[" * 1100 + "]" * 1100 + "; }\n"


@pytest.mark.parametrize("name,text", [("suppressions.nix", SUPPRESSIONS), ("deep.nix", TOO_DEEP)])
async def test_ignore_actions_only_where_they_work(client: LanguageClient, open_doc, name, text):
    for d in await open_doc(name, text=text).opened():
        doc = open_doc(name, text=text)
        doc.version = 100
        diags = await doc.opened()
        finding = next(x for x in diags if x.code == d.code and x.range == d.range)
        for action in await doc.actions(finding.range, [finding]):
            if action.title.startswith("Ignore "):
                after = await doc.apply(action)
                assert not [x for x in after if x.code == d.code], f"{action.title!r} left the {d.code} finding"
                return


async def test_fix_edit_after_non_bmp_characters_on_its_line(client: LanguageClient, open_doc):
    text = (FIXTURES / "planted.nix.in").read_text().replace(
        "    path = with pkgs; [ iptables ];", '    description = "kubelet 🐳🚢"; path = with pkgs; [ iptables ];'
    )
    doc = open_doc("whale.nix", text=text)
    kubelet = by_rule(await doc.opened())[KUBELET]
    assert kubelet.range == find_range(doc.text, "with pkgs; [ iptables ]", doc.enc)
    fix = titled(await doc.actions(kubelet.range, [kubelet]), "Fix: add `util-linux` to `path`")
    expected = doc.text.replace("[ iptables ]", "[ iptables util-linux ]")
    assert apply_edits(doc.text, edits_of(fix, doc.uri), doc.enc) == expected
    ignore = titled(await doc.actions(kubelet.range, [kubelet]), f"Ignore {KUBELET} on this line")
    assert [d.code for d in await doc.apply(ignore)] == [MDNS]
    assert f'  # nixk8s-lint: ignore[{KUBELET}]\n    description = "kubelet 🐳🚢"' in doc.text
