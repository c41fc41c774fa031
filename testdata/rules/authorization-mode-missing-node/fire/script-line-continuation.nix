# `script` in an indented string with `\` continuations, space form `--authorization-mode RBAC,ABAC`, executable resolved through `with pkgs;`. Finding: line 11 (`--authorization-mode RBAC,ABAC`).
{ config, lib, pkgs, ... }:

{
  systemd.services.kube-apiserver = with pkgs; {
    wantedBy = [ "multi-user.target" ];
    after = [ "etcd.service" ];
    script = ''
      exec ${kubernetes}/bin/kube-apiserver \
        --etcd-servers=https://127.0.0.1:2379 \
        --authorization-mode RBAC,ABAC \
        --authorization-policy-file=/etc/kubernetes/abac.jsonl \
        --secure-port=6443
    '';
  };
}
