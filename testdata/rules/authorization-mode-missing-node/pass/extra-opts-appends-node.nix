# authorizationMode = [ "RBAC" ] but extraOpts appends --authorization-mode=Node: effective RBAC,Node.
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "master" ];
    masterAddress = "cp1.k8s.internal";
    apiserver = {
      authorizationMode = [ "RBAC" ];
      extraOpts = "--authorization-mode=Node --audit-log-maxage=30";
    };
  };
}
