# localhost / 127.0.0.1 endpoints are not mDNS.
{ pkgs, ... }:

{
  systemd.services.kube-apiserver = {
    description = "Kubernetes API Server (single node)";
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart =
      "${pkgs.kubernetes}/bin/kube-apiserver --authorization-mode=Node,RBAC --etcd-servers=http://localhost:2379,http://127.0.0.1:22379";
  };
  services.kubernetes.kubeconfig.server = "https://localhost:6443";
}
