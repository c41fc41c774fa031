#!/usr/bin/env python3
"""A synthetic repository of NixOS hosts that run Kubernetes, for benchmarks.

    python3 scripts/corpus.py OUT [--size-mb 50] [--seed 1]

Writes OUT/flake.nix, OUT/modules/ (shared modules) and OUT/hosts/<name>/ (five files per
host) until the tree holds about --size-mb megabytes. Hosts are control planes using
nixpkgs' `services.kubernetes`, k3s servers and agents, and workers with hand-built kubelet
units from let-bound flag lists, written in the idioms people use: `let`, `with`, `rec`,
`inherit`, `mkIf`/`mkMerge`/`mkForce`, `//`, `++`, interpolation, `concatStringsSep`,
`escapeShellArgs`, `lib.cli.toGNUCommandLineShell`, dotted and nested paths, interpolated
keys. About one host in thirty carries a planted pitfall. Output is deterministic for a
seed. Needs only the Python standard library; also imported by scripts/lsp-bench.py.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import sys

def node_block(i: int) -> str:
    """About 60 lines: one worker's units, configs and a few planted pitfalls now and then."""
    mdns = i % 25 == 7  # a `.local` API server now and then
    missing_mount = i % 20 == 3  # a kubelet unit without util-linux now and then
    path = "[ iptables iproute2 ethtool conntrack-tools socat ]" if missing_mount else "[ iptables iproute2 util-linux socat ]"
    server = "https://cp.local:6443" if mdns else "https://cp1.k8s.internal:6443"
    return f'''
    # --- worker {i} ---------------------------------------------------------------
    (lib.mkIf (cfg.workers ? "w{i}") (let
      name = "w{i}";
      nodeIP = "10.42.{i // 250}.{i % 250 + 1}";
      kubeconfig{i} = pkgs.writeText "kubelet-w{i}.kubeconfig" (builtins.toJSON {{
        apiVersion = "v1";
        kind = "Config";
        clusters = [ {{ name = "homelab"; cluster = {{ server = "{server}"; certificate-authority = "${{pki}}/ca.pem"; }}; }} ];
        users = [ {{ name = "kubelet"; user = {{ client-certificate = "${{pki}}/w{i}.pem"; client-key = "${{pki}}/w{i}-key.pem"; }}; }} ];
        contexts = [ {{ name = "default"; context = {{ cluster = "homelab"; user = "kubelet"; }}; }} ];
        current-context = "default";
      }});
      flags{i} = [
        "--kubeconfig=${{kubeconfig{i}}}"
        "--config=${{kubeletConfig}}"
        "--container-runtime-endpoint=unix:///run/containerd/containerd.sock"
        "--node-ip=${{nodeIP}}"
        "--hostname-override=${{name}}.k8s.internal"
        "--node-labels=homelab/worker=w{i},topology.kubernetes.io/zone=z{i % 3}"
      ];
    in {{
      systemd.services."k8s-kubelet-w{i}" = {{
        description = "Kubernetes Kubelet (w{i})";
        wantedBy = [ "multi-user.target" ];
        after = [ "containerd.service" "network-online.target" ];
        wants = [ "network-online.target" ];
        path = with pkgs; {path};
        serviceConfig = {{
          ExecStart = "${{pkgs.kubernetes}}/bin/kubelet ${{lib.escapeShellArgs flags{i}}}";
          Restart = "always";
          RestartSec = "10s";
          Slice = "kubernetes.slice";
        }};
      }};
      systemd.services."k8s-proxy-w{i}" = {{
        description = "kube-proxy (w{i})";
        wantedBy = [ "multi-user.target" ];
        path = [ pkgs.iptables pkgs.conntrack-tools ];
        serviceConfig.ExecStart = lib.concatStringsSep " " [
          "${{pkgs.kubernetes}}/bin/kube-proxy"
          "--hostname-override=${{name}}"
          "--cluster-cidr=10.244.0.0/16"
        ];
      }};
      systemd.tmpfiles.settings."10-k8s-w{i}" = {{
        "/var/lib/kubelet/w{i}".d = {{ user = "root"; group = "root"; mode = "0750"; }};
        "/var/log/pods/w{i}".d = {{ user = "root"; group = "root"; mode = "0755"; }};
      }};
      networking.hosts."${{nodeIP}}" = [ "${{name}}.k8s.internal" ];
      environment.etc."kubernetes/w{i}/labels".text = ''
        worker=w{i}
        zone=z{i % 3}
      '';
    }}))
'''


def kubernetes_module(lines: int) -> str:
    """One module of about `lines` lines with a block per worker (scripts/lsp-bench.py)."""
    head = '''{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.k8s;
  pki = "/var/lib/kubernetes/pki";
  kubeletConfig = pkgs.writeText "kubelet-config.json" (builtins.toJSON {
    apiVersion = "kubelet.config.k8s.io/v1beta1";
    kind = "KubeletConfiguration";
    cgroupDriver = "systemd";
    clusterDNS = [ "10.96.0.10" ];
  });
in
{
  options.homelab.k8s.workers = lib.mkOption { type = lib.types.attrs; default = { }; };

  config = lib.mkMerge [
    {
      services.kubernetes.apiserver = {
        enable = true;
        authorizationMode = [ "Node" "RBAC" ];
        advertiseAddress = "10.42.0.1";
      };
      services.kubernetes.masterAddress = "cp1.k8s.internal";
    }
'''
    tail = "  ];\n}\n"
    body, i = [], 0
    while (head + "".join(body) + tail).count("\n") < lines:
        body.append(node_block(i))
        i += 1
    return head + "".join(body) + tail


def control_plane(name: str, rng: random.Random, pitfall: bool) -> str:
    modes = '[ "RBAC" ]' if pitfall else rng.choice(['[ "Node" "RBAC" ]', '[ "RBAC" "Node" ]'])
    return f'''{{ config, lib, pkgs, ... }}:

let
  inherit (lib) mkIf mkDefault mkForce;
  cfg = config.homelab.k8s;
  apiPort = {rng.choice([6443, 8443])};
  clusterCidr = "10.{rng.randrange(200, 250)}.0.0/16";
  serviceCidr = "10.96.0.0/12";
  etcdServers = map (n: "https://${{n}}.k8s.internal:2379") [ "etcd1" "etcd2" "etcd3" ];
in
{{
  services.kubernetes = {{
    roles = [ "master" ] ++ lib.optional cfg.schedulable "node";
    masterAddress = "{name}.k8s.internal";
    apiserverAddress = "https://{name}.k8s.internal:${{toString apiPort}}";
    easyCerts = mkDefault true;
    apiserver = {{
      enable = true;
      securePort = apiPort;
      advertiseAddress = config.networking.primaryIPAddress;
      serviceClusterIpRange = serviceCidr;
      authorizationMode = {modes};
      etcd.servers = etcdServers;
      extraOpts = lib.concatStringsSep " " [
        "--audit-log-path=/var/log/kubernetes/audit.log"
        "--audit-log-maxage=30"
        "--profiling=false"
      ];
    }};
    controllerManager.extraOpts = "--cluster-cidr=${{clusterCidr}} --node-cidr-mask-size=24";
    scheduler.leaderElect = true;
    addons.dns = {{
      enable = true;
      clusterDomain = "cluster.local";
      replicas = {rng.randrange(1, 4)};
    }};
    kubelet.extraOpts = "--node-labels=node-role.kubernetes.io/control-plane=";
  }};

  networking.firewall.allowedTCPPorts = [ apiPort 2379 2380 10250 ];
  systemd.services.kube-apiserver.serviceConfig.LimitNOFILE = mkForce 1048576;
}}
'''


def k3s(name: str, rng: random.Random, pitfall: bool) -> str:
    server = "https://k3s-cp.local:6443" if pitfall else f"https://k3s-cp{rng.randrange(1, 4)}.k8s.internal:6443"
    role = rng.choice(["server", "agent"])
    return f'''{{ config, lib, pkgs, ... }}:

let
  serverAddr = "{server}";
  tokenFile = config.sops.secrets."k3s-token".path;
  flags = {{
    node-label = [ "homelab/host={name}" "topology.kubernetes.io/zone=z{rng.randrange(3)}" ];
    kubelet-arg = [ "max-pods=150" "eviction-hard=memory.available<200Mi" ];
    tls-san = "{name}.k8s.internal";
    disable = [ "traefik" "servicelb" ];
  }};
in
{{
  services.k3s = {{
    enable = true;
    role = "{role}";
    inherit tokenFile;
    extraFlags = lib.cli.toGNUCommandLineShell {{ }} flags;
  }} // lib.optionalAttrs ("{role}" == "agent") {{
    inherit serverAddr;
  }};
  systemd.tmpfiles.settings."10-k3s" = {{
    "/var/lib/rancher/k3s/server/manifests".d = {{ user = "root"; group = "root"; mode = "0700"; }};
  }};
  environment.systemPackages = with pkgs; [ k3s kubectl kubernetes-helm ];
}}
'''


def worker(name: str, rng: random.Random, pitfall: bool) -> str:
    tools = "iptables iproute2 ethtool socat" if pitfall else "iptables iproute2 util-linux ethtool socat"
    zone = rng.randrange(3)
    extra = "\n".join(f'    "--register-with-taints=dedicated=w{i}:NoSchedule"' for i in range(rng.randrange(0, 3)))
    return f'''{{ config, lib, pkgs, ... }}:

with lib;

let
  cfg = config.homelab.kubelet;
  nodeIP = config.networking.primaryIPAddress;
  kubeconfig = pkgs.writeText "kubelet.kubeconfig" (builtins.toJSON {{
    apiVersion = "v1";
    kind = "Config";
    clusters = [ {{ name = "homelab"; cluster = {{ server = "https://cp1.k8s.internal:6443"; certificate-authority = "/var/lib/kubernetes/pki/ca.pem"; }}; }} ];
    users = [ {{ name = "kubelet"; user = {{ client-certificate = "/var/lib/kubernetes/pki/{name}.pem"; client-key = "/var/lib/kubernetes/pki/{name}-key.pem"; }}; }} ];
    contexts = [ {{ name = "default"; context = {{ cluster = "homelab"; user = "kubelet"; }}; }} ];
    current-context = "default";
  }});
  kubeletConfig = pkgs.writeText "kubelet-config.json" (builtins.toJSON {{
    apiVersion = "kubelet.config.k8s.io/v1beta1";
    kind = "KubeletConfiguration";
    cgroupDriver = "systemd";
    clusterDomain = "cluster.local";
    clusterDNS = [ "10.96.0.10" ];
    authentication.webhook.enabled = true;
    authorization.mode = "Webhook";
    maxPods = {rng.choice([110, 150, 250])};
  }});
  flags = [
    "--kubeconfig=${{kubeconfig}}"
    "--config=${{kubeletConfig}}"
    "--container-runtime-endpoint=unix:///run/containerd/containerd.sock"
    "--node-ip=${{nodeIP}}"
    "--hostname-override={name}.k8s.internal"
    "--node-labels=topology.kubernetes.io/zone=z{zone}"
{extra}
  ] ++ optionals cfg.verbose [ "--v=4" ];
in
{{
  options.homelab.kubelet.verbose = mkEnableOption "verbose kubelet logs";

  config = mkMerge [
    {{
      systemd.services.k8s-kubelet = {{
        description = "Kubernetes Kubelet";
        wantedBy = [ "multi-user.target" ];
        after = [ "containerd.service" "network-online.target" ];
        wants = [ "network-online.target" ];
        path = with pkgs; [ {tools} ];
        serviceConfig = {{
          ExecStart = "${{pkgs.kubernetes}}/bin/kubelet ${{escapeShellArgs flags}}";
          Restart = "always";
          RestartSec = "10s";
        }};
      }};
      systemd.tmpfiles.settings."10-kubelet" = {{
        "/var/lib/kubelet".d = {{ user = "root"; group = "root"; mode = "0750"; }};
        "/etc/kubernetes/manifests".d = {{ user = "root"; group = "root"; mode = "0755"; }};
      }};
    }}
    (mkIf config.virtualisation.containerd.enable {{
      virtualisation.containerd.settings.plugins."io.containerd.grpc.v1.cri".containerd.snapshotter = "overlayfs";
    }})
  ];
}}
'''


def default_nix(name: str, kind: str, rng: random.Random) -> str:
    users = " ".join(f'"u{i}"' for i in range(rng.randrange(2, 6)))
    return f'''{{ config, lib, pkgs, ... }}:

{{
  imports = [
    ./hardware-configuration.nix
    ./networking.nix
    ./users.nix
    ./kubernetes.nix
    ../../modules/common.nix
  ];

  networking.hostName = "{name}";
  time.timeZone = "Europe/Berlin";
  i18n.defaultLocale = "en_US.UTF-8";
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  boot.kernelModules = [ "br_netfilter" "overlay" ];
  boot.kernel.sysctl = {{
    "net.ipv4.ip_forward" = 1;
    "net.bridge.bridge-nf-call-iptables" = 1;
  }};
  swapDevices = lib.mkForce [ ];
  virtualisation.containerd.enable = {"true" if kind != "k3s" else "false"};
  services.openssh = {{
    enable = true;
    settings.PasswordAuthentication = false;
  }};
  nix.settings.trusted-users = [ "root" {users} ];
  environment.systemPackages = with pkgs; [ vim git htop curl jq kubectl ];
  system.stateVersion = "24.05";
}}
'''


def hardware(rng: random.Random) -> str:
    disks = "\n".join(
        f'''  fileSystems."/data{i}" = {{
    device = "/dev/disk/by-uuid/{rng.getrandbits(64):016x}";
    fsType = "ext4";
    options = [ "noatime" ];
  }};'''
        for i in range(rng.randrange(1, 4))
    )
    return f'''{{ config, lib, pkgs, modulesPath, ... }}:

{{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];

  boot.initrd.availableKernelModules = [ "xhci_pci" "ahci" "nvme" "usbhid" "sd_mod" ];
  boot.kernelModules = [ "kvm-{rng.choice(["intel", "amd"])}" ];
  fileSystems."/" = {{
    device = "/dev/disk/by-uuid/{rng.getrandbits(64):016x}";
    fsType = "ext4";
  }};
  fileSystems."/boot" = {{
    device = "/dev/disk/by-uuid/{rng.getrandbits(32):08X}";
    fsType = "vfat";
  }};
{disks}
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
  hardware.cpu.intel.updateMicrocode = lib.mkDefault config.hardware.enableRedistributableFirmware;
}}
'''


def networking(index: int, rng: random.Random) -> str:
    ip = f"10.42.{index // 250}.{index % 250 + 1}"
    return f'''{{ lib, ... }}:

rec {{
  networking.primaryIPAddress = "{ip}";
  networking.interfaces.enp{rng.randrange(1, 6)}s0.ipv4.addresses = [ {{
    address = networking.primaryIPAddress;
    prefixLength = 16;
  }} ];
  networking.defaultGateway = "10.42.0.254";
  networking.nameservers = [ "10.42.0.53" "1.1.1.1" ];
  networking.firewall = {{
    enable = true;
    allowedTCPPorts = [ 22 10250 ];
    allowedUDPPorts = [ 8472 ];
    trustedInterfaces = [ "cni0" "flannel.1" ];
  }};
  networking.hosts."{ip}" = [ "h{index}.k8s.internal" ];
}}
'''


def users(rng: random.Random) -> str:
    out = ["{ pkgs, ... }:\n\n{\n  users.mutableUsers = false;"]
    for i in range(rng.randrange(2, 6)):
        out.append(f'''  users.users.u{i} = {{
    isNormalUser = true;
    extraGroups = [ "wheel" "docker" ];
    shell = pkgs.zsh;
    openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{rng.getrandbits(128):032x} u{i}" ];
  }};''')
    out.append("}\n")
    return "\n".join(out)


KINDS = {"cp": control_plane, "k3s": k3s, "worker": worker}


def write_repo(out: pathlib.Path, size_mb: float, seed: int = 1) -> tuple[int, int]:
    """Writes the repo; returns (files, bytes)."""
    rng = random.Random(seed)
    files = bytes_ = 0

    def write(rel: str, text: str) -> None:
        nonlocal files, bytes_
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        files += 1
        bytes_ += len(text.encode())

    write("modules/common.nix", '{ pkgs, ... }:\n{\n  nix.settings.experimental-features = [ "nix-command" "flakes" ];\n  services.timesyncd.enable = true;\n}\n')
    write("modules/k8s/fleet.nix", kubernetes_module(400))
    names = []
    while bytes_ < size_mb * 1e6:
        i = len(names)
        kind = rng.choice(["cp", "k3s", "worker", "worker", "worker"])
        name = f"{kind}{i:05d}"
        names.append(name)
        pitfall = rng.random() < 1 / 30
        write(f"hosts/{name}/default.nix", default_nix(name, kind, rng))
        write(f"hosts/{name}/hardware-configuration.nix", hardware(rng))
        write(f"hosts/{name}/networking.nix", networking(i, rng))
        write(f"hosts/{name}/users.nix", users(rng))
        write(f"hosts/{name}/kubernetes.nix", KINDS[kind](name, rng, pitfall))
    hosts = "\n".join(f'      "{n}"' for n in names)
    write("flake.nix", f'''{{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  outputs = {{ self, nixpkgs }}:
    let
      mkHost = name: nixpkgs.lib.nixosSystem {{
        system = "x86_64-linux";
        modules = [ ./hosts/${{name}} ];
      }};
    in {{
      nixosConfigurations = nixpkgs.lib.genAttrs [
{hosts}
      ] mkHost;
    }};
}}
''')
    return files, bytes_


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--size-mb", type=float, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty", file=sys.stderr)
        return 2
    files, size = write_repo(args.out, args.size_mb, args.seed)
    print(f"{files} files, {size / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
