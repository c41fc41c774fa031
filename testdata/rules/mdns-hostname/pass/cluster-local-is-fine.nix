# cluster.local is the in-cluster DNS domain (CoreDNS), not mDNS.
{ config, lib, pkgs, ... }:

let
  kubeconfig = {
    apiVersion = "v1";
    kind = "Config";
    clusters = [ { name = "in-cluster"; cluster.server = "https://kubernetes.default.svc.cluster.local:443"; } ];
  };
in
{
  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = "cp1.k8s.internal";
    kubelet.clusterDomain = "cluster.local";
    addons.dns.clusterDomain = "cluster.local";
  };
  environment.etc."kubernetes/in-cluster.kubeconfig".text = builtins.toJSON kubeconfig;
}
