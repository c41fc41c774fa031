# path forced with lib.mkForce to a list without mount; ExecStart given as a list. Finding: line 7 (`path = lib.mkForce [ pkgs.iptables pkgs.coreutils ];`).
{ lib, pkgs, ... }:

{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = lib.mkForce [ pkgs.iptables pkgs.coreutils ];
    serviceConfig = {
      ExecStart = [
        ""
        "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml"
      ];
      Restart = "always";
    };
  };
}
