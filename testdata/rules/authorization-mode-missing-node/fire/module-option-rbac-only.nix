# nixpkgs option authorizationMode = [ "RBAC" ] replaces the default [ "RBAC" "Node" ]. Finding: line 12 (`authorizationMode = [ "RBAC" ];`).
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "master" ];
    masterAddress = "cp1.k8s.internal";
    easyCerts = true;
    apiserver = {
      securePort = 6443;
      advertiseAddress = "10.0.0.10";
      authorizationMode = [ "RBAC" ];
    };
  };
}
