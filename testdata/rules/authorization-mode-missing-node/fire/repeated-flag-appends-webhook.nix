# Repeated flag appends: `++` adds a second --authorization-mode=Webhook after RBAC (effective RBAC,Webhook, still no Node); joined with lib.concatMapStrings. Finding: line 7 (`"--authorization-mode=RBAC"`); used at line 17 (`lib.concatMapStrings`).
{ lib, pkgs, ... }:

let
  baseFlags = [
    "--secure-port=6443"
    "--authorization-mode=RBAC"
  ];
  webhookFlags = [
    "--authorization-mode=Webhook"
    "--authorization-webhook-config-file=/etc/kubernetes/authz.yaml"
  ];
  flags = baseFlags ++ webhookFlags;
in
{
  systemd.services.kube-apiserver.serviceConfig.ExecStart =
    "${pkgs.kubernetes}/bin/kube-apiserver" + lib.concatMapStrings (f: " ${f}") flags;
}
