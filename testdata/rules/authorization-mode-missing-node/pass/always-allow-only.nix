# AlwaysAllow alone: no RBAC in the list, so this rule does not apply.
{ pkgs, ... }:

let
  flags = [
    "--authorization-mode=AlwaysAllow"
    "--secure-port=6443"
    "--etcd-servers=http://127.0.0.1:2379"
  ];
in
{
  systemd.services.kube-apiserver.serviceConfig.ExecStart =
    "${pkgs.kubernetes}/bin/kube-apiserver ${builtins.concatStringsSep " " flags}";
}
