# Let-bound flag list without dashes, rendered with map (f: "--${f}") and builtins.concatStringsSep " ". Finding: line 8 (`"authorization-mode=RBAC"`); used at line 18 (`kube-apiserver ${cmdline}`).
{ lib, pkgs, ... }:

let
  apiserverFlags = [
    "advertise-address=10.0.0.10"
    "allow-privileged=true"
    "authorization-mode=RBAC"
    "client-ca-file=/var/lib/kubernetes/pki/ca.pem"
    "etcd-servers=https://10.0.0.10:2379"
    "secure-port=6443"
  ];
  cmdline = builtins.concatStringsSep " " (map (f: "--${f}") apiserverFlags);
in
{
  systemd.services.kube-apiserver = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kube-apiserver ${cmdline}";
  };
}
