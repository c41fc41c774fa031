# A .local name inside `description` is documentation, not a name a component resolves.
{ pkgs, ... }:

{
  systemd.services.k8s-kubelet = {
    description = "kubelet (formerly registered as node1.local)";
    wantedBy = [ "multi-user.target" ];
    path = with pkgs; [ util-linux iptables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --hostname-override=node1 --config=/etc/kubernetes/kubelet.yaml";
  };
}
