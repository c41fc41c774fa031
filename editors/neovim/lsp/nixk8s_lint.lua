-- nixk8s-lint language server, for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`).
-- Put this directory (editors/neovim) on the runtimepath, or copy this file to
-- ~/.config/nvim/lsp/nixk8s_lint.lua, then: vim.lsp.enable('nixk8s_lint')
-- It runs next to nil or nixd: Neovim attaches every enabled config for a filetype.

---@type vim.lsp.Config
return {
  cmd = { 'nixk8s-lint', 'lsp' },
  filetypes = { 'nix' },
  root_markers = { 'nixk8s-lint.toml', '.nixk8s-lint.toml', 'flake.nix', '.git' },
  -- Passed to the server as is: { select = {...}, ignore = {...},
  -- severity = { ['mdns-hostname'] = 'error' }, debounceMs = 0 }
  init_options = vim.empty_dict(),
}
