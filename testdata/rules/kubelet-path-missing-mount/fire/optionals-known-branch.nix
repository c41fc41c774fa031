# lib.optionals with an unknown condition but a known list: with or without nftables there is no mount provider. Finding: line 7 (`path = [ pkgs.iptables ]`).
{ config, lib, pkgs, ... }:

{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = [ pkgs.iptables ]
      ++ lib.optionals config.networking.nftables.enable [ pkgs.nftables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  };
}
