# Old `utillinux` alias under `with pkgs;`, plus lib.optionals on an unknown condition: mount is present either way.
{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.node;
in
{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = with pkgs; [ utillinux iptables ] ++ lib.optionals cfg.zfs [ zfs ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  };
}
