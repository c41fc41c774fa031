;;; nixk8s-lint.el --- nixk8s-lint language server for lsp-mode  -*- lexical-binding: t; -*-

;; Keywords: languages, tools, nix, kubernetes
;; Package-Requires: ((emacs "27.1") (lsp-mode "8.0"))
;; SPDX-License-Identifier: MIT OR Apache-2.0

;;; Commentary:

;; Registers `nixk8s-lint lsp' as an lsp-mode *add-on* client for Nix buffers: it runs
;; next to nil or nixd (lsp-mode's `nix-nil' / `nix-nixd' clients) and only adds
;; nixk8s-lint's diagnostics and code actions.
;;
;;   (add-to-list 'load-path "/path/to/nixk8s-lint/editors/emacs")
;;   (with-eval-after-load 'lsp-mode (require 'nixk8s-lint))
;;   (add-hook 'nix-mode-hook #'lsp-deferred)        ; or nix-ts-mode-hook
;;
;; eglot runs one server per buffer: see README.md in this directory.

;;; Code:

(require 'lsp-mode)

(defgroup nixk8s-lint nil
  "Kubernetes-on-NixOS lints from the nixk8s-lint language server."
  :group 'lsp-mode
  :link '(url-link "https://github.com/nixk8s-lint/nixk8s-lint"))

(defcustom nixk8s-lint-command '("nixk8s-lint" "lsp")
  "The command that starts the nixk8s-lint language server on stdio."
  :type '(repeat string)
  :group 'nixk8s-lint)

(defcustom nixk8s-lint-initialization-options nil
  "Sent to the server as `initializationOptions' (a plist).
Keys: :select and :ignore (vectors of rule names), :severity (a plist from
rule name to \"error\", \"warning\", \"info\" or \"off\"), :debounceMs.
Example: (:ignore [\"mdns-hostname\"] :severity (:kubelet-path-missing-mount \"warning\"))."
  :type 'plist
  :group 'nixk8s-lint)

(defcustom nixk8s-lint-major-modes '(nix-mode nix-ts-mode)
  "Major modes in which nixk8s-lint runs."
  :type '(repeat symbol)
  :group 'nixk8s-lint)

(dolist (mode nixk8s-lint-major-modes)
  (add-to-list 'lsp-language-id-configuration (cons mode "nix")))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () nixk8s-lint-command))
  :activation-fn (lsp-activate-on "nix")
  :major-modes nixk8s-lint-major-modes
  :add-on? t
  :priority -2
  :initialization-options (lambda () nixk8s-lint-initialization-options)
  :server-id 'nixk8s-lint))

(provide 'nixk8s-lint)
;;; nixk8s-lint.el ends here
