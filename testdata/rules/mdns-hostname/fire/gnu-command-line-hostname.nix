# lib.cli.toGNUCommandLineShell renders `--hostname-override node3.local` (space form) for a kubelet. Finding: line 7 (`hostname-override = "node3.local";`); used at line 15 (`kubelet ${kubeletArgs}`).
{ lib, pkgs, ... }:

let
  kubeletArgs = lib.cli.toGNUCommandLineShell { } {
    config = "/etc/kubernetes/kubelet.yaml";
    hostname-override = "node3.local";
    node-ip = "10.0.0.23";
  };
in
{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = [ pkgs.util-linux pkgs.iptables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet ${kubeletArgs}";
  };
}
