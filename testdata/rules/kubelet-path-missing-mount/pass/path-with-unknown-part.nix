# path = [ pkgs.iptables ] ++ cfg.extraPath: the unknown part may contain util-linux, so stay silent.
{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.kubelet;
in
{
  systemd.services.k8s-kubelet = lib.mkIf cfg.enable {
    wantedBy = [ "multi-user.target" ];
    path = [ pkgs.iptables ] ++ cfg.extraPath;
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  };
}
