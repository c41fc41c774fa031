# services.kubernetes.kubeconfig.server assembled in a rec attrset. Finding: line 6 (`host = "k8s-api.local";`); used at line 12 (`kubeconfig.server = api.url;`).
{ config, lib, ... }:

let
  api = rec {
    host = "k8s-api.local";
    port = 6443;
    url = "https://${host}:${toString port}";
  };
in
{
  services.kubernetes.kubeconfig.server = api.url;
  services.kubernetes.roles = [ "node" ];
}
