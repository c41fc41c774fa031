# Plain ExecStart string (joined with `+`, port via toString) runs kube-apiserver with RBAC only. Finding: line 14 (`--authorization-mode=RBAC `).
{ config, lib, pkgs, ... }:

let
  port = 6443;
in
{
  systemd.services.kube-apiserver = {
    description = "Kubernetes API Server";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" "etcd.service" ];
    serviceConfig = {
      ExecStart = "${pkgs.kubernetes}/bin/kube-apiserver --etcd-servers=https://10.0.0.10:2379"
        + " --authorization-mode=RBAC --secure-port=${toString port}"
        + " --service-cluster-ip-range=10.96.0.0/12";
      Restart = "on-failure";
      User = "kubernetes";
    };
  };
}
