# Custom k3s agent unit: the executable is k3s, not .../bin/kubelet, even though flags mention kubelet.
{ pkgs, ... }:

{
  systemd.services.k3s-agent = {
    description = "k3s agent (embeds kubelet)";
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.k3s}/bin/k3s agent --server https://10.0.0.30:6443 --kubelet-arg=max-pods=200";
  };
}
