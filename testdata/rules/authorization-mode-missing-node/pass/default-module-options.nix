# nixpkgs module with authorizationMode untouched (default [ "RBAC" "Node" ]).
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "master" "node" ];
    masterAddress = "cp1.k8s.internal";
    easyCerts = true;
    apiserver = {
      securePort = 6443;
      extraOpts = "--audit-log-path=/var/log/kube-audit.log --audit-log-maxage=30";
    };
  };
}
