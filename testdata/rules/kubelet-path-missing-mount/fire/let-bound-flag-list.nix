# Let-bound kubelet flag list rendered with lib.escapeShellArgs; path lacks a mount provider. Finding: line 17 (`path = [ pkgs.iptables pkgs.iproute2 ];`).
{ config, lib, pkgs, ... }:

let
  kubeletFlags = [
    "--config=/etc/kubernetes/kubelet.yaml"
    "--kubeconfig=/etc/kubernetes/kubelet.kubeconfig"
    "--container-runtime-endpoint=unix:///run/containerd/containerd.sock"
    "--node-ip=10.0.0.21"
  ];
in
{
  systemd.services.k8s-kubelet = {
    description = "Kubernetes Kubelet (hand-built)";
    wantedBy = [ "multi-user.target" ];
    after = [ "containerd.service" ];
    path = [ pkgs.iptables pkgs.iproute2 ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet ${lib.escapeShellArgs kubeletFlags}";
  };
}
