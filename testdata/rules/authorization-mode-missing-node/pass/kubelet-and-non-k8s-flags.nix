# --authorization-mode on the kubelet (its own Webhook flag) and on a non-Kubernetes gateway (RBAC): neither is kube-apiserver.
{ lib, pkgs, ... }:

let
  kubeletFlags = [
    "--authorization-mode=Webhook"
    "--authentication-token-webhook"
    "--kubeconfig=/etc/kubernetes/kubelet.kubeconfig"
  ];
in
{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = with pkgs; [ util-linux iptables ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet ${lib.escapeShellArgs kubeletFlags}";
  };

  systemd.services.registry-gateway = {
    description = "Internal registry auth gateway";
    wantedBy = [ "multi-user.target" ];
    serviceConfig = {
      ExecStart = "${pkgs.python3}/bin/python3 -m registry_gateway --listen 0.0.0.0:5443 --authorization-mode=RBAC";
      DynamicUser = true;
    };
  };
}
