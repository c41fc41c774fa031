# A list value makes toGNUCommandLineShell repeat the flag: --authorization-mode RBAC --authorization-mode Node (appends).
{ lib, pkgs, ... }:

let
  args = lib.cli.toGNUCommandLineShell { } {
    authorization-mode = [ "RBAC" "Node" ];
    secure-port = 6443;
  };
in
{
  systemd.services.kube-apiserver.serviceConfig.ExecStart =
    "${pkgs.kubernetes}/bin/kube-apiserver ${args}";
}
