# --etcd-servers built from a let-bound URL list joined with ","; one member is an mDNS name. Finding: line 7 (`"https://etcd-b.local:2379"`); used at line 14 (`--etcd-servers=`).
{ lib, pkgs, ... }:

let
  etcdServers = [
    "https://10.0.0.11:2379"
    "https://etcd-b.local:2379"
    "https://etcd-c.k8s.internal:2379"
  ];
in
{
  systemd.services.kube-apiserver.serviceConfig.ExecStart =
    "${pkgs.kubernetes}/bin/kube-apiserver --authorization-mode=Node,RBAC"
    + " --etcd-servers=${builtins.concatStringsSep "," etcdServers}";
}
