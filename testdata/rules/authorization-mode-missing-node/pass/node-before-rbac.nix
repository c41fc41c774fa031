# --authorization-mode=Node,RBAC: Node is present, order does not matter.
{ pkgs, ... }:

{
  systemd.services.kube-apiserver = {
    description = "Kubernetes API Server";
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kube-apiserver --authorization-mode=Node,RBAC --secure-port=6443";
  };
}
