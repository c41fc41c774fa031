# A unit behind `mkIf` with no `path` at all: the fix goes inside the set.
{ config, lib, pkgs, ... }:
{
  systemd.services.k8s-kubelet = lib.mkIf config.homelab.kubelet.enable {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  };
}
