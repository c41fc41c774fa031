# pkgs.util-linuxMinimal provides mount; ExecStart built with lib.escapeShellArgs.
{ lib, pkgs, ... }:

let
  cmd = [
    "${pkgs.kubernetes}/bin/kubelet"
    "--config=/etc/kubernetes/kubelet.yaml"
    "--kubeconfig=/etc/kubernetes/kubelet.kubeconfig"
  ];
in
{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = [ pkgs.util-linuxMinimal pkgs.iptables pkgs.iproute2 ];
    serviceConfig.ExecStart = lib.escapeShellArgs cmd;
  };
}
