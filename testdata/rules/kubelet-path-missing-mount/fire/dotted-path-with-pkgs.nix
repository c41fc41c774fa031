# Dotted option paths; `path = with pkgs; [ ... ]` has iptables/conntrack/ethtool but no mount provider. Finding: line 8 (`path = with pkgs; [ iptables conntrack-tools ethtool socat ];`).
{ pkgs, ... }:

{
  systemd.services.k8s-kubelet.description = "Kubernetes Kubelet";
  systemd.services.k8s-kubelet.wantedBy = [ "multi-user.target" ];
  systemd.services.k8s-kubelet.after = [ "containerd.service" ];
  systemd.services.k8s-kubelet.path = with pkgs; [ iptables conntrack-tools ethtool socat ];
  systemd.services.k8s-kubelet.serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml";
  systemd.services.k8s-kubelet.serviceConfig.Restart = "always";
}
