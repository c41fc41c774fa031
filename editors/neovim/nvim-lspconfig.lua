-- nixk8s-lint with nvim-lspconfig.
--
-- nvim-lspconfig 2.x (Neovim 0.11.3+) reads `lsp/*.lua` configs from the runtimepath, so
-- with editors/neovim on the runtimepath (or lsp/nixk8s_lint.lua copied to your config) this
-- is all:
--
--   vim.lsp.enable({ 'nil_ls', 'nixk8s_lint' })
--
-- Older nvim-lspconfig (the `require('lspconfig').X.setup{}` framework, Neovim 0.8-0.10):
-- register the server once, then set it up like any other.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.nixk8s_lint then
  configs.nixk8s_lint = {
    default_config = {
      cmd = { 'nixk8s-lint', 'lsp' },
      filetypes = { 'nix' },
      root_dir = util.root_pattern('nixk8s-lint.toml', '.nixk8s-lint.toml', 'flake.nix', '.git'),
      single_file_support = true,
      init_options = vim.empty_dict(),
    },
    docs = {
      description = 'nixk8s-lint: Kubernetes-on-NixOS lints (https://github.com/nixk8s-lint/nixk8s-lint)',
    },
  }
end

require('lspconfig').nixk8s_lint.setup({
  -- init_options = { ignore = { 'mdns-hostname' } },
})
