# Let-bound kubeconfig attrset serialized with builtins.toJSON; clusters[].cluster.server uses .local. Finding: line 11 (`cluster.server = "https://cp.local:6443";`); used at line 21 (`builtins.toJSON kubeconfig`).
{ config, lib, pkgs, ... }:

let
  kubeconfig = {
    apiVersion = "v1";
    kind = "Config";
    clusters = [
      {
        name = "homelab";
        cluster.server = "https://cp.local:6443";
        cluster.certificate-authority = "/var/lib/kubernetes/pki/ca.pem";
      }
    ];
    users = [ { name = "kubelet"; user.client-certificate = "/var/lib/kubelet/pki/kubelet.pem"; } ];
    contexts = [ { name = "default"; context = { cluster = "homelab"; user = "kubelet"; }; } ];
    current-context = "default";
  };
in
{
  environment.etc."kubernetes/kubelet.kubeconfig".text = builtins.toJSON kubeconfig;
}
