-- Headless Neovim end-to-end check of `nixk8s-lint lsp`, for Neovim 0.7 to 0.11+.
-- Run: NIXK8S_LINT_BIN=... NIX_FILE=... OUT_JSON=... EDITORS_NVIM=editors/neovim \
--      nvim --headless --clean -u NONE -c 'luafile tests/lsp/nvim/e2e.lua'
-- 0.11+: the shipped editors/neovim/lsp/nixk8s_lint.lua through vim.lsp.enable;
-- older: vim.lsp.start_client. Writes what the editor received to OUT_JSON and quits.
local bin, file, out = vim.env.NIXK8S_LINT_BIN, vim.env.NIX_FILE, vim.env.OUT_JSON
local result = { version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor), steps = {} }

local function write_and_quit(code)
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd(code == 0 and 'qall!' or ('cquit! ' .. code))
end

local function fail(msg)
  result.error = msg
  write_and_quit(1)
end

local ok, err = pcall(function()
  vim.cmd('filetype on')
  local modern = vim.fn.has('nvim-0.11') == 1
  local exit_code
  if modern then
    vim.opt.runtimepath:prepend(vim.env.EDITORS_NVIM)
    -- The shipped config, with the binary under test instead of the one on PATH.
    vim.lsp.config('nixk8s_lint', {
      cmd = { bin, 'lsp' },
      on_exit = function(code) exit_code = code end,
    })
    vim.lsp.enable('nixk8s_lint')
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype
  if not modern then
    local id = vim.lsp.start_client({
      name = 'nixk8s-lint',
      cmd = { bin, 'lsp' },
      root_dir = vim.fn.fnamemodify(file, ':h'),
      on_exit = function(code) exit_code = code end,
    })
    vim.lsp.buf_attach_client(buf, id)
  end

  local function diagnostics()
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = (d.user_data or {}).lsp or {}
      table.insert(list, {
        code = d.code or lsp.code,
        lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        severity = d.severity, source = d.source or lsp.source, message = d.message,
        lsp = lsp,
      })
    end
    table.sort(list, function(a, b) return a.lnum < b.lnum end)
    return list
  end
  local function wait_for(count, label)
    local got = vim.wait(10000, function() return #vim.diagnostic.get(buf) == count end, 20)
    table.insert(result.steps, { step = label, ok = got, diagnostics = diagnostics(),
                                 lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) })
    return got
  end

  if not wait_for(2, 'open') then return fail('no diagnostics after opening') end
  local clients = modern and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
  local client
  for _, c in pairs(clients) do client = c end
  result.client_name = client.name
  result.offset_encoding = client.offset_encoding

  -- Code actions on the kubelet finding; apply the preferred one as the editor would.
  local first = diagnostics()[1]
  local kubelet = vim.deepcopy(first.lsp)
  if not kubelet.range then
    -- 0.7 keeps only the extra fields of the LSP diagnostic; this line is ASCII, so byte
    -- columns are also UTF-16 and UTF-8 positions.
    kubelet.range = { start = { line = first.lnum, character = first.col },
                      ['end'] = { line = first.end_lnum, character = first.end_col } }
    kubelet.message, kubelet.severity, kubelet.source = first.message, first.severity, first.source
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = kubelet.range,
    context = { diagnostics = { kubelet } },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 5000) or {}
  result.actions = {}
  local preferred
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do
      table.insert(result.actions, { title = a.title, kind = a.kind, isPreferred = a.isPreferred })
      if a.isPreferred then preferred = a end
    end
  end
  if not preferred then return fail('no preferred code action') end
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  if not wait_for(1, 'after-fix') then return fail('the fix did not clear the finding') end

  -- Type over `.local` on the emoji line: Neovim sends an incremental change in its encoding.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, line in ipairs(lines) do
    local s, e = line:find('.local', 1, true)
    if s then
      vim.api.nvim_buf_set_text(buf, i - 1, s - 1, i - 1, e, { '.internal' })
      break
    end
  end
  if not wait_for(0, 'after-edit') then return fail('the edit did not clear the finding') end

  -- Stop the client: Neovim sends shutdown and exit; the server must exit 0.
  vim.lsp.stop_client(client.id)
  vim.wait(5000, function() return exit_code ~= nil end, 20)
  result.server_exit_code = exit_code
  write_and_quit(0)
end)
if not ok then fail(tostring(err)) end
