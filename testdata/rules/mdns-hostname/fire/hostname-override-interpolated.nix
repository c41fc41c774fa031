# Partially known --hostname-override: unknown host name with a known ".local" suffix. Finding: line 7 (`"--hostname-override=${config.networking.hostName}.local"`); used at line 15 (`concatStringsSep " " flags`).
{ config, lib, pkgs, ... }:

let
  flags = [
    "--config=/etc/kubernetes/kubelet.yaml"
    "--hostname-override=${config.networking.hostName}.local"
    "--kubeconfig=/etc/kubernetes/kubelet.kubeconfig"
  ];
in
{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = with pkgs; [ util-linux iptables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet ${lib.concatStringsSep " " flags}";
  };
}
