# path = with pkgs; [ util-linux iptables ] provides mount.
{ pkgs, ... }:

{
  systemd.services.k8s-kubelet = {
    description = "Kubernetes Kubelet";
    wantedBy = [ "multi-user.target" ];
    path = with pkgs; [ util-linux iptables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  };
}
