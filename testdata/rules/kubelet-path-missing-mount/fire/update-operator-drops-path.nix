# `//` is shallow: the right-hand `path` replaces the base path that had util-linux. Finding: line 14 (`path = [ pkgs.socat pkgs.iptables ];`).
{ pkgs, ... }:

let
  base = {
    wantedBy = [ "multi-user.target" ];
    after = [ "containerd.service" ];
    path = with pkgs; [ util-linux iptables ];
    serviceConfig.Restart = "always";
  };
in
{
  systemd.services.k8s-kubelet = base // {
    path = [ pkgs.socat pkgs.iptables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  };
}
