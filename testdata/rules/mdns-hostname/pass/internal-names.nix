# .internal (and plain IP) names are ordinary unicast DNS.
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "master" ];
    masterAddress = "cp1.k8s.internal";
    apiserverAddress = "https://cp1.k8s.internal:6443";
    apiserver.etcd.servers = [ "https://etcd-a.k8s.internal:2379" "https://10.0.0.12:2379" ];
    kubeconfig.server = "https://cp1.k8s.internal:6443";
  };
}
