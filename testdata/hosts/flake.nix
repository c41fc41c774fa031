{
  description = "homelab: NixOS hosts running Kubernetes (nixpkgs k8s control plane, hand-built kubelet workers, k3s at the edge)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  };

  outputs = { self, nixpkgs, ... }:
    let
      mkHost = name: nixpkgs.lib.nixosSystem {
        modules = [
          ./modules/common.nix
          ./modules/k8s
          ./hosts/${name}
          { networking.hostName = name; }
        ];
      };
    in
    {
      nixosConfigurations = {
        cp1 = mkHost "cp1";
        node1 = mkHost "node1";
        edge1 = mkHost "edge1";
        edge2 = mkHost "edge2";
      };
    };
}
