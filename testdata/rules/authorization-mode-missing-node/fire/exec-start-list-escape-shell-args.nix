# Drop-in style ExecStart list ("" reset + lib.escapeShellArgs) under lib.mkIf on an unknown option; RBAC,Webhook lacks Node. Finding: line 10 (`"--authorization-mode=RBAC,Webhook"`); used at line 19 (`(escapeShellArgs args)`).
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkIf escapeShellArgs;
  cfg = config.site.apiserver;
  args = [
    "${pkgs.kubernetes}/bin/kube-apiserver"
    "--advertise-address=10.0.0.10"
    "--authorization-mode=RBAC,Webhook"
    "--authorization-webhook-config-file=/etc/kubernetes/authz-webhook.yaml"
    "--secure-port=6443"
  ];
in
{
  config = mkIf cfg.enable {
    systemd.services.kube-apiserver.serviceConfig.ExecStart = [
      ""
      (escapeShellArgs args)
    ];
  };
}
