# `with pkgs;` over the whole unit, kubelet started from `script` with `\` continuations; path has no mount. Finding: line 7 (`path = [ iptables iproute2 ];`).
{ pkgs, ... }:

{
  systemd.services.node-agent = with pkgs; {
    wantedBy = [ "multi-user.target" ];
    path = [ iptables iproute2 ];
    script = ''
      exec ${kubernetes}/bin/kubelet \
        --config=/etc/kubernetes/kubelet.yaml \
        --kubeconfig=/etc/kubernetes/kubelet.kubeconfig \
        --v=2
    '';
  };
}
