;;; e2e.el --- lsp-mode + editors/emacs/nixk8s-lint.el against the server, in batch  -*- lexical-binding: t; -*-
;; Run: NIXK8S_LINT_BIN=... NIX_FILE=... OUT_JSON=... EDITORS_EMACS=editors/emacs \
;;      emacs --batch -Q -l tests/lsp/emacs/e2e.el
;; Writes the diagnostics lsp-mode received (and the client's properties) to OUT_JSON.
(require 'package)
;; -Q leaves out the system's packages: Debian's elpa-lsp-mode lives here.
(setq package-directory-list
      (seq-filter #'file-directory-p '("/usr/share/emacs/site-lisp/elpa" "/usr/local/share/emacs/site-lisp/elpa")))
(package-initialize)
(require 'json)
(require 'lsp-mode)
(unless (fboundp 'nix-mode)
  (define-derived-mode nix-mode prog-mode "Nix"))
(add-to-list 'load-path (getenv "EDITORS_EMACS"))
(require 'nixk8s-lint)

(setq nixk8s-lint-command (list (getenv "NIXK8S_LINT_BIN") "lsp")
      lsp-auto-guess-root t
      lsp-diagnostics-provider :none
      lsp-enable-file-watchers nil
      lsp-restart 'ignore
      lsp-enable-snippet nil
      lsp-session-file (expand-file-name "session" (make-temp-file "lsp-session" t))
      lsp-log-io nil)

(let* ((client (gethash 'nixk8s-lint lsp-clients))
       (file (getenv "NIX_FILE"))
       (out (getenv "OUT_JSON"))
       (result (list (cons 'registered (and client t))
                     (cons 'add_on (and client (lsp--client-add-on? client) t)))))
  (find-file file)
  (nix-mode)
  (lsp)
  (let ((deadline (+ (float-time) 20)) diags)
    (while (and (null diags) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (setq diags (gethash file (lsp-diagnostics t))))
    (push (cons 'servers (mapcar (lambda (w) (symbol-name (lsp--client-server-id (lsp--workspace-client w))))
                                 (lsp-workspaces)))
          result)
    (push (cons 'diagnostics
                (vconcat
                 (mapcar (lambda (d)
                           (let ((start (lsp:range-start (lsp:diagnostic-range d))))
                             (list (cons 'code (lsp:diagnostic-code? d))
                                   (cons 'line (lsp:position-line start))
                                   (cons 'character (lsp:position-character start)))))
                         diags)))
          result))
  (with-temp-file out (insert (json-encode result)))
  (kill-emacs 0))
