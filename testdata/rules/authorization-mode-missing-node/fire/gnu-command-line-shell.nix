# lib.cli.toGNUCommandLineShell renders the space form `--authorization-mode RBAC`; the unit is named "apiserver" but runs kube-apiserver. Finding: line 6 (`authorization-mode = "RBAC";`); used at line 17 (`kube-apiserver ${args}`).
{ lib, pkgs, ... }:

let
  args = lib.cli.toGNUCommandLineShell { } {
    authorization-mode = "RBAC";
    allow-privileged = true;
    secure-port = 6443;
    etcd-servers = "https://10.0.0.10:2379";
    service-cluster-ip-range = "10.96.0.0/12";
  };
in
{
  systemd.services.apiserver = {
    description = "control plane";
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kube-apiserver ${args}";
  };
}
